// @discordjs/ws as shipped, measured on the bench stream: one WebSocketManager that finds the
// test gateway through its REST base (GET /gateway/bot), plain JSON or zlib-stream inflated by
// zlib-sync, counting the Dispatch events it hands to the application.
import { REST } from '@discordjs/rest';
import { CompressionMethod, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';

import { arm_watchdog, bench_intents, event_counter, fail, parse_options } from './counting.mjs';

const options = parse_options();
arm_watchdog(options.timeout_s);

const rest = new REST({ version: '10', api: options.rest_api }).setToken(options.token);
const compression = options.compress === 'zlib-sync' ? CompressionMethod.ZlibStream : null;
const manager = new WebSocketManager({
  token: options.token,
  intents: bench_intents,
  rest,
  compression,
  shardCount: 1,
});

const counter = new event_counter('discordjs-ws', options);

// Each Dispatch carries the parsed payload: this is where an application reads `d`.
manager.on(WebSocketShardEvents.Dispatch, ({ data }) => {
  if (!counter.on_dispatch(data.t, data.d)) {
    return;
  }

  counter.finish();
  manager.destroy({ code: 1000, reason: 'bench done' }).then(() => {
    process.stdout.write(`${counter.report()}\n`);
    process.exit(0);
  }, (error) => fail(`destroy failed: ${error}`));
});
manager.on(WebSocketShardEvents.Error, ({ error }) => fail(`shard error: ${error.stack ?? error}`));

// Without zlib-sync the library would silently fall back to identify compression.
if (compression !== null) {
  await import('zlib-sync').catch(() => fail('zlib-sync is not built (bench/peers/install.sh)'));
}
await manager.connect().catch((error) => fail(`connect failed: ${error.stack ?? error}`));
