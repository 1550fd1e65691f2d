// @discordjs/ws, unmodified, against the test gateway: READY, generated events, and a resume
// on READY's resume_gateway_url after an op 7 forced through the control endpoint.
import { REST } from '@discordjs/rest';
import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import { GatewayIntentBits } from 'discord-api-types/v10';

import { check, checkResumedSession, run, startGateway, token, waitFor } from './harness.mjs';

await run('peer @discordjs/ws', async (defer) => {
  const gateway = await startGateway();
  defer(gateway.stop);

  // The REST base points at the test gateway; the manager takes the URL from /gateway/bot.
  const rest = new REST({ version: '10', api: gateway.api }).setToken(token);
  const intents = GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages |
    GatewayIntentBits.MessageContent;
  const manager = new WebSocketManager({ token, intents, rest });
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
      messages.push({ data: data.d, resumed });
    }
  });
  await manager.connect();

  // READY, with the resume URL exactly as the gateway announced it.
  await waitFor(() => ready !== null, 'READY');
  check(ready.resume_gateway_url === gateway.info.resume_url,
    `resume_gateway_url is ${ready.resume_gateway_url}`);

  // Generated events arrive, with content since MESSAGE_CONTENT is enabled.
  await waitFor(() => messages.length >= 5, 'five MESSAGE_CREATE');
  check(messages.some((m) => m.data.content.length > 0), 'messages carry content');

  // Op 7: the peer must reconnect to the resume URL and resume, not identify.
  await gateway.control('POST', '/faults', { kind: 'reconnect' });
  await waitFor(() => resumed === 1, 'RESUMED after op 7');
  await waitFor(() => messages.filter((m) => m.resumed === 1).length >= 5,
    'five MESSAGE_CREATE after the resume');

  await checkResumedSession(gateway.control, ready.session_id);
});
