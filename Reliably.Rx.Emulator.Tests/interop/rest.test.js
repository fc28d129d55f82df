'use strict';
// REST: time, publish, history with pagination, presence, stats, requestToken, channel status, batch publish.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const client = h.rest({ useBinaryProtocol });
  const time = await client.time();
  h.assert(Math.abs(time - Date.now()) < 60000, 'server time close to local time');

  const name = h.unique('rest');
  const channel = client.channels.get(name);
  const published = await channel.publish('greeting', { hello: 'world' });
  h.assert(published.serials.length === 1, 'publish serials');
  const batch = [];
  for (let i = 0; i < 24; i++) batch.push({ name: 'm' + i, data: i % 2 ? Buffer.from([i]) : 'text' + i });
  await channel.publish(batch);

  // History pages of 10, following next() (Link headers).
  let page = await channel.history({ limit: 10 });
  const names = [];
  let pages = 0;
  for (;;) {
    pages++;
    names.push(...page.items.map((m) => m.name));
    if (!page.hasNext()) break;
    page = await page.next();
  }
  h.assertEqual(pages, 3, 'three pages');
  h.assertEqual(names.length, 25, 'all messages');
  h.assertEqual(names[0], 'm23', 'backwards by default');
  h.assertEqual(names[24], 'greeting', 'oldest last');
  const forwards = await channel.history({ direction: 'forwards', limit: 1 });
  h.assertEqual(forwards.items[0].data, { hello: 'world' }, 'json data decoded');
  const binary = (await channel.history({ limit: 100 })).items.find((m) => m.name === 'm1');
  h.assertEqual(Array.from(Buffer.from(binary.data)), [1], 'binary in history');

  // Presence via REST (empty) and channel status.
  const members = await channel.presence.get();
  h.assertEqual(members.items.length, 0, 'no members');
  const status = await channel.status();
  h.assertEqual(status.channelId, name, 'channel status');

  // Stats fixture through the sandbox API, then read back.
  const statsResponse = await fetch(h.base + '/stats', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Basic ' + Buffer.from(h.key).toString('base64') },
    body: JSON.stringify([{ intervalId: '2024-01-01:00:00', entries: { 'messages.all.all.count': 7 } }]),
  });
  h.assert(statsResponse.ok, 'POST /stats');
  const stats = await client.stats({ unit: 'minute', start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 1, 0, 1), limit: 1 });
  h.assert(stats.items.length === 1, 'one stats record');
  h.assertEqual(stats.items[0].entries['messages.all.all.count'] >= 7, true, 'stats entries');

  // requestToken with TokenParams (signed locally by ably-js, MAC verified by the emulator).
  const token = await client.auth.requestToken({ clientId: 'tok', ttl: 60000 });
  h.assertEqual(token.clientId, 'tok', 'token clientId');
  const withToken = h.rest({ useBinaryProtocol, key: undefined, token: token.token });
  const viaToken = await withToken.channels.get(name).history({ limit: 1 });
  h.assertEqual(viaToken.items.length, 1, 'history with token');

  // Errors surface as ErrorInfo with code and statusCode.
  const bad = h.rest({ useBinaryProtocol, key: h.key.split(':')[0] + ':wrongsecret' });
  try {
    await bad.channels.get(name).history();
    throw new Error('expected failure');
  } catch (e) {
    h.assertEqual([e.code, e.statusCode], [40101, 401], 'error code from body');
  }

  // Batch publish.
  const result = await client.batchPublish({ channels: [name + '-a', name + '-b'], messages: { name: 'x', data: 'y' } });
  h.assertEqual(result.successCount, 2, 'batch publish success count');
});
