'use strict';
// Presence cross-check with the official ably-js client (run by PresenceAblyJsCrossCheckTests):
// ably-js enters as JS_CLIENT_ID with data, then waits until presence.get() shows DOTNET_CLIENT_ID (entered by
// Reliably.Rx) with its data, then leaves. Exits 0 on success; prints the failed check and exits 1 otherwise.
const Ably = require('ably');

const port = Number(process.env.EMULATOR_PORT);
const key = process.env.EMULATOR_KEY;
const useBinaryProtocol = process.env.USE_BINARY === 'true';
const channelName = process.env.CHANNEL;
const jsClientId = process.env.JS_CLIENT_ID;
const dotnetClientId = process.env.DOTNET_CLIENT_ID;

async function main() {
  const client = new Ably.Realtime({ key, clientId: jsClientId, endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol });
  const timer = setTimeout(() => { console.error('timed out'); process.exit(1); }, 25000);
  try {
    const channel = client.channels.get(channelName);
    await channel.presence.enter({ from: 'ably-js' });
    console.log('entered');

    // Wait for the .NET member, entered after "entered" was printed.
    const seen = new Promise((resolve) => {
      channel.presence.subscribe('enter', (m) => { if (m.clientId === dotnetClientId) resolve(m); });
    });
    const present = await channel.presence.get();
    const member = present.find((m) => m.clientId === dotnetClientId) || await seen;
    if (member.data !== 'from dotnet') throw new Error('check failed: .NET member data was ' + JSON.stringify(member.data));
    const all = await channel.presence.get();
    if (!all.some((m) => m.clientId === dotnetClientId)) throw new Error('check failed: .NET member missing from get()');
    console.log('saw dotnet');
  } finally {
    clearTimeout(timer);
    client.close();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err && err.stack || err); process.exit(1); });
