'use strict';
// Helper for presence.test.js: enters as 'ghost' and exits without CLOSE (an abrupt transport drop).
const h = require('./harness');

(async () => {
  const client = h.realtime({ clientId: 'ghost' });
  await client.channels.get(process.argv[2]).presence.enter('boo');
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
