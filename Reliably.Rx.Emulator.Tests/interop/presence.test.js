'use strict';
// Presence enter/update/leave/get seen by another client.
const h = require('./harness');

h.run(async ({ useBinaryProtocol }) => {
  const member = h.realtime({ useBinaryProtocol, clientId: 'alice' });
  const watcher = h.realtime({ useBinaryProtocol: !useBinaryProtocol });
  try {
    const name = h.unique('pres');
    const mc = member.channels.get(name);
    const wc = watcher.channels.get(name);
    await wc.attach();
    const events = [];
    const entered = h.waitFor((cb) => wc.presence.subscribe((p) => { events.push(p.action); cb(p); }), (p) => p.action === 'enter', 'enter');
    await mc.presence.enter({ status: 'here' });
    const enter = await entered;
    h.assertEqual(enter.clientId, 'alice', 'enter clientId');
    h.assertEqual(enter.data, { status: 'here' }, 'enter data');

    const members = await wc.presence.get();
    h.assertEqual(members.map((m) => m.clientId), ['alice'], 'get() after enter');

    const updated = h.waitFor((cb) => wc.presence.subscribe('update', cb), null, 'update');
    await mc.presence.update('busy');
    h.assertEqual((await updated).data, 'busy', 'update data');

    // A late attacher gets the member through SYNC.
    const late = h.realtime({ useBinaryProtocol });
    try {
      const lateMembers = await late.channels.get(name).presence.get();
      h.assertEqual(lateMembers.map((m) => [m.clientId, m.data]), [['alice', 'busy']], 'synced member');
    } finally {
      late.close();
    }

    // enterClient on behalf of others with a wildcard-capable key connection.
    const carolSeen = h.waitFor((cb) => mc.presence.subscribe('enter', cb), (p) => p.clientId === 'carol', 'carol at member');
    await wc.presence.enterClient('bob', 'b');
    await wc.presence.enterClient('carol', 'c');
    await carolSeen;
    const all = await mc.presence.get();
    h.assertEqual(all.map((m) => m.clientId).sort(), ['alice', 'bob', 'carol'], 'enterClient members');

    const left = h.waitFor((cb) => wc.presence.subscribe('leave', cb), (p) => p.clientId === 'alice', 'leave');
    await mc.presence.leave();
    await left;
    const after = await wc.presence.get();
    h.assertEqual(after.map((m) => m.clientId).sort(), ['bob', 'carol'], 'get() after leave');

    // A member whose process dies without CLOSE leaves after the server's presence-leave delay (synthesized LEAVE).
    const goneSeen = h.waitFor((cb) => wc.presence.subscribe('leave', cb), (p) => p.clientId === 'ghost', 'synthesized leave');
    const enteredGhost = h.waitFor((cb) => wc.presence.subscribe('enter', cb), (p) => p.clientId === 'ghost', 'ghost enter');
    const child = require('child_process').spawnSync(process.execPath, [require('path').join(__dirname, 'presence-child.js'), name], { env: process.env, encoding: 'utf8', timeout: 20000 });
    h.assertEqual(child.status, 0, 'presence child: ' + child.stderr);
    await enteredGhost;
    const ghostLeave = await goneSeen;
    h.assert(!ghostLeave.id || !ghostLeave.id.startsWith(ghostLeave.connectionId), 'synthesized leave id');

    const restMembers = await h.rest({ useBinaryProtocol }).channels.get(name).presence.get();
    h.assertEqual(restMembers.items.map((m) => m.clientId).sort(), ['bob', 'carol'], 'REST presence get');
  } finally {
    member.close();
    watcher.close();
  }
});
