// @discordjs/ws against a gateway set up by a scenario file: an application without
// MESSAGE_CONTENT, so messages arrive emptied and asking for the intent is closed with 4014,
// and an op 7 the scenario schedules, which the peer must answer by resuming.
import { REST } from '@discordjs/rest';
import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { check, checkResumedSession, run, startGateway, token, waitFor } from './harness.mjs';

const scenario = join(dirname(fileURLToPath(import.meta.url)), 'scenarios',
  'no_message_content.json');

await run('peer @discordjs/ws with a scenario', async (defer) => {
  // The scenario sets the timings, the world, the traffic and the op 7.
  const gateway = await startGateway(['--scenario', scenario]);
  defer(gateway.stop);
  const rest = new REST({ version: '10', api: gateway.api }).setToken(token);

  // REST takes exactly "Bot <token>": a doubled prefix is Discord's 401 (case G02).
  const doubled = await fetch(`${gateway.info.api_base}/gateway/bot`,
    { headers: { authorization: `Bot Bot ${token}` } });
  check(doubled.status === 401, `a doubled prefix gets 401, got ${doubled.status}`);
  const body = await doubled.json();
  check(body.message === '401: Unauthorized' && body.code === 0, 'with Discord\'s 401 body');

  // A shard that asks for MESSAGE_CONTENT, which the application lacks, is closed with 4014.
  const greedy = new WebSocketManager({
    token, rest,
    intents: GatewayIntentBits.Guilds | GatewayIntentBits.MessageContent,
  });
  defer(() => greedy.destroy());
  greedy.on(WebSocketShardEvents.Error, () => {});
  const refusal = await greedy.connect().then(() => 'connected', (error) => error.message);
  check(refusal === 'Used disallowed intents', `refused as disallowed: ${refusal}`);

  // A shard without it gets READY with the scenario's five guilds and emptied messages.
  const manager = new WebSocketManager({
    token, rest, intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages,
  });
  defer(() => manager.destroy());
  let ready = null;
  let resumed = 0;
  const messages = [];
  manager.on(WebSocketShardEvents.Dispatch, ({ data }) => {
    if (data.t === 'READY') {
      ready = data.d;
    } else if (data.t === 'RESUMED') {
      resumed += 1;
    } else if (data.t === 'MESSAGE_CREATE') {
      messages.push(data.d);
    }
  });
  await manager.connect();

  await waitFor(() => ready !== null, 'READY');
  check(ready.guilds.length === 5, `five guilds in READY, saw ${ready.guilds.length}`);
  await waitFor(() => messages.length >= 5, 'five MESSAGE_CREATE');
  check(messages.every((m) => m.content === '' && m.embeds.length === 0),
    'without MESSAGE_CONTENT, content and embeds arrive empty');

  // The scheduled op 7 brings a resume on the resume listener.
  await waitFor(() => resumed === 1, 'RESUMED after the scheduled op 7');
  await checkResumedSession(gateway.control, ready.session_id);

  const report = await gateway.control('GET', '/report');
  check(report.connections.some((c) => c.close?.code === 4014),
    'the report records the 4014 close');
});
