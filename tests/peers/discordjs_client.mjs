// discord.js, unmodified, against the test gateway: the client's ready event, generated
// messages, and a shard resume on READY's resume_gateway_url after a forced op 7.
import { Client, Events, GatewayIntentBits } from 'discord.js';

import { check, checkResumedSession, run, startGateway, token, waitFor } from './harness.mjs';

await run('peer discord.js', async (defer) => {
  const gateway = await startGateway();
  defer(gateway.stop);

  // Only the REST base is pointed at the test gateway; the rest is discord.js as shipped.
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent],
    rest: { api: gateway.api },
  });
  defer(() => client.destroy());

  let ready = false;
  let resumes = 0;
  let sessionId = null;
  const messages = [];
  client.once(Events.ClientReady, () => { ready = true; });
  client.on(Events.ShardResume, () => { resumes += 1; });
  client.on(Events.MessageCreate, (message) => messages.push({ message, resumes }));
  client.on(Events.Raw, (packet) => {
    if (packet.t === 'READY') {
      sessionId = packet.d.session_id;
    }
  });
  await client.login(token);

  // Ready means every guild of READY arrived by GUILD_CREATE and is cached.
  await waitFor(() => ready, 'the ready event');
  check(client.guilds.cache.size === 3, `three guilds cached, saw ${client.guilds.cache.size}`);
  check(client.user.bot, 'the client user is a bot');

  await waitFor(() => messages.length >= 5, 'five messageCreate');
  check(messages.every((m) => m.message.guild !== null), 'messages resolve their guild');
  check(messages.some((m) => m.message.content.length > 0), 'messages carry content');

  await gateway.control('POST', '/faults', { kind: 'reconnect' });
  await waitFor(() => resumes === 1, 'shardResume after op 7');
  await waitFor(() => messages.filter((m) => m.resumes === 1).length >= 5,
    'five messageCreate after the resume');

  await checkResumedSession(gateway.control, sessionId);
});
