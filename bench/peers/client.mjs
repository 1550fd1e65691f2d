// The discord.js Client as shipped, with its default caches, measured on the bench stream: the
// REST base points at the test gateway, and every dispatch goes through the client's handlers.
// Events are counted on the client's `raw` event, the parsed packet it hands the application
// before building its structures, so that every type counts (guildCreate, for one, is not
// emitted for a guild the client already knows); the figures are taken once the client has
// handled them all.
import { SimpleShardingStrategy } from '@discordjs/ws';
import { Client, Events } from 'discord.js';

import { arm_watchdog, bench_intents, event_counter, fail, parse_options } from './counting.mjs';

const options = parse_options();
arm_watchdog(options.timeout_s);

// discord.js compresses with zlib-stream whenever zlib-sync can be loaded; for the plain run
// the strategy hook it offers turns compression off before any shard connects.
const plain = options.compress === 'none';
const build_strategy = (manager) => {
  if (plain) {
    manager.options.compression = null;
  }

  return new SimpleShardingStrategy(manager);
};

const client = new Client({
  intents: bench_intents,
  rest: { api: options.rest_api },
  ws: { buildStrategy: build_strategy },
});

const counter = new event_counter('discordjs-client', options);

// The events an application would listen to, counted apart for the notes.
const emitted = { messageCreate: 0, typingStart: 0, presenceUpdate: 0, guildCreate: 0 };
for (const name of Object.keys(emitted)) {
  client.on(name, () => {
    emitted[name] += counter.counting && !counter.done ? 1 : 0;
  });
}

client.on(Events.Raw, (packet) => {
  if (packet.op !== 0 || !counter.on_dispatch(packet.t, packet.d)) {
    return;
  }

  // Packets that arrived before the client was ready are queued and handled later.
  const settle = () => {
    if ((client.ws.packetQueue?.length ?? 0) > 0) {
      setImmediate(settle);

      return;
    }

    counter.finish();
    const compression = client.ws._ws?.options.compression ?? 'none';
    client.destroy().then(() => {
      process.stdout.write(`${counter.report({ emitted, compression })}\n`);
      process.exit(0);
    }, (error) => fail(`destroy failed: ${error}`));
  };
  setImmediate(settle);
});
client.on(Events.Error, (error) => fail(`client error: ${error.stack ?? error}`));

if (!plain) {
  await import('zlib-sync').catch(() => fail('zlib-sync is not built (bench/peers/install.sh)'));
}
await client.login(options.token).catch((error) => fail(`login failed: ${error.stack ?? error}`));
