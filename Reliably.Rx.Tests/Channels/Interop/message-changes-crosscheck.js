'use strict';
// Message updates, deletes and appends cross-checked with the official ably-js client (run by
// MessageChangesAblyJsCrossCheckTests), on channels of the emulator's "mutable" namespace:
// 1. subscribe to READ_CHANNEL, print "ready", then check the create, append and delete Reliably.Rx makes there, as
//    received and as getMessage and getMessageVersions read them;
// 2. publish on WRITE_CHANNEL, then append to, update and delete that message, for Reliably.Rx (subscribed) to check.
// Exits 0 on success; prints the failed check and exits 1 otherwise.
const Ably = require('ably');

const port = Number(process.env.EMULATOR_PORT);
const key = process.env.EMULATOR_KEY;
const useBinaryProtocol = process.env.USE_BINARY === 'true';

function check(condition, what) {
  if (!condition) throw new Error('check failed: ' + what);
}

function collect(channel, count) {
  return new Promise((resolve, reject) => {
    const received = [];
    const timer = setTimeout(() => reject(new Error(`timed out with ${received.length}/${count} messages`)), 20000);
    channel.subscribe((message) => {
      received.push(message);
      if (received.length === count) {
        clearTimeout(timer);
        resolve(received);
      }
    });
  });
}

async function main() {
  const client = new Ably.Realtime({ key, endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol });
  const read = client.channels.get(process.env.READ_CHANNEL);
  const fromDotnet = collect(read, 3);
  await read.attach();
  console.log('ready');

  const [create, append, del] = await fromDotnet;
  check(create.action === 'message.create' && create.data === 'Hi', 'the create from .NET');
  check(append.action === 'message.append' && append.data === ' there' && append.serial === create.serial, 'the append from .NET');
  check(append.version.description === 'more' && append.version.metadata.step === '2', 'the append operation from .NET');
  check(append.version.serial > create.serial, 'the append is a later version');
  check(del.action === 'message.delete' && del.serial === create.serial && del.data === 'Hi there', 'the delete from .NET');
  const latest = await read.getMessage(create.serial);
  check(latest.action === 'message.delete' && latest.data === 'Hi there', 'getMessage after the changes from .NET');
  const versions = await read.getMessageVersions(create.serial);
  check(versions.items.length === 3, 'three versions of the message from .NET');

  const write = client.channels.get(process.env.WRITE_CHANNEL);
  const { serials } = await write.publish('answer', 'Hel');
  const serial = serials[0];
  const appended = await write.appendMessage({ serial, data: 'lo' }, { description: 'token', metadata: { n: '1' } });
  check(typeof appended.versionSerial === 'string', 'a version serial for the append');
  await write.updateMessage({ serial, data: 'Hello!', name: 'final' }, { clientId: 'editor' });
  await write.deleteMessage({ serial }, { description: 'done' });
  client.close();
  console.log('ok');
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  },
);
