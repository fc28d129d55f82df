'use strict';
// Helper for idle.test.js: connects, attaches, prints a recovery key, then dies without CLOSE (like a reloaded page).
const h = require('./harness');

(async () => {
  const client = h.realtime({ useBinaryProtocol: process.argv[2] === 'msgpack' });
  await h.connectionState(client, 'connected');
  await client.channels.get(process.argv[3]).attach();
  process.stdout.write(JSON.stringify({ id: client.connection.id, recoveryKey: client.connection.createRecoveryKey() }) + '\n', () => process.exit(0));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
