'use strict';
// Annotations cross-checked with the official ably-js client (run by AnnotationsAblyJsCrossCheckTests), on channels of
// the emulator's "mutable" namespace:
// 1. attach READ_CHANNEL with annotation_subscribe, print "ready", then check the annotation Reliably.Rx publishes
//    there, the summary that follows, and annotations.get;
// 2. publish on WRITE_CHANNEL, then annotate that message (multiple.v1, count 3) and delete a flag.v1 annotation, for
//    Reliably.Rx (subscribed) to check.
// Exits 0 on success; prints the failed check and exits 1 otherwise.
const Ably = require('ably');

const port = Number(process.env.EMULATOR_PORT);
const key = process.env.EMULATOR_KEY;
const useBinaryProtocol = process.env.USE_BINARY === 'true';

function check(condition, what) {
  if (!condition) throw new Error('check failed: ' + what);
}

function first(subscribe, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for ' + what)), 20000);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

async function main() {
  const client = new Ably.Realtime({ key, clientId: 'js', endpoint: '127.0.0.1', port, tls: false, useBinaryProtocol });
  const modes = ['publish', 'subscribe', 'annotation_publish', 'annotation_subscribe'];
  const read = client.channels.get(process.env.READ_CHANNEL, { modes });
  const annotation = first((listener) => read.annotations.subscribe(listener), 'the annotation from .NET');
  const summary = first((listener) => read.subscribe((m) => m.action === 'message.summary' && listener(m)), 'the summary');
  await read.attach();
  console.log('ready');

  const a = await annotation;
  check(a.action === 'annotation.create' && a.type === 'reaction:distinct.v1' && a.name === '+1', 'the annotation from .NET');
  check(a.clientId === 'dotnet' && a.serial > a.messageSerial, 'its clientId and serial');
  const s = await summary;
  check(s.serial === a.messageSerial, 'the summary names the annotated message');
  const entry = s.annotations.summary['reaction:distinct.v1']['+1'];
  check(entry.total === 1 && entry.clientIds[0] === 'dotnet', 'the distinct.v1 summary');
  const page = await read.annotations.get(a.messageSerial, {});
  check(page.items.length === 1 && page.items[0].name === '+1', 'annotations.get');

  const write = client.channels.get(process.env.WRITE_CHANNEL, { modes });
  await write.attach();
  const { serials } = await write.publish('question', 'tea?');
  await write.annotations.publish(serials[0], { type: 'vote:multiple.v1', name: 'yes', count: 3 });
  await write.annotations.publish(serials[0], { type: 'seen:flag.v1' });
  await write.annotations.delete(serials[0], { type: 'seen:flag.v1' });
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
