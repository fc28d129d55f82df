'use strict';
// Shared helpers for the interop scripts. Each script exits 0 on success and non-zero with a message on failure.
const Ably = require('ably');

const port = Number(process.env.EMULATOR_PORT);
const key = process.env.EMULATOR_KEY;
if (!port || !key) {
  console.error('EMULATOR_PORT and EMULATOR_KEY must be set');
  process.exit(2);
}

const base = `http://127.0.0.1:${port}`;

function options(extra) {
  return Object.assign({ key, endpoint: '127.0.0.1', port, tls: false, logLevel: 0 }, extra);
}

function realtime(extra) {
  return new Ably.Realtime(options(extra));
}

function rest(extra) {
  return new Ably.Rest(options(extra));
}

function assert(condition, message) {
  if (!condition) throw new Error('Assertion failed: ' + message);
}

function assertEqual(actual, expected, message) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`Assertion failed: ${message}: expected ${e}, got ${a}`);
}

/** Resolves with the first event matching the predicate, or rejects after a timeout. */
function waitFor(subscribe, predicate, what, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('Timed out waiting for ' + what)), timeoutMs);
    subscribe((value) => {
      if (!predicate || predicate(value)) {
        clearTimeout(timer);
        resolve(value);
      }
    });
  });
}

function connectionState(client, state, timeoutMs = 10000) {
  if (client.connection.state === state) return Promise.resolve();
  return waitFor((cb) => client.connection.on(state, cb), null, 'connection ' + state, timeoutMs);
}

async function control(path, method = 'POST') {
  const response = await fetch(base + '/_emulator/' + path, { method });
  const body = await response.json();
  if (!response.ok) throw new Error(`control ${path} failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

function unique(prefix) {
  return prefix + '-' + Math.random().toString(36).slice(2, 10);
}

/** Runs main once per protocol (JSON, then msgpack) and exits with a status. */
function run(main, { perProtocol = true, timeoutMs = 45000 } = {}) {
  const killer = setTimeout(() => {
    console.error('Script timed out');
    process.exit(3);
  }, timeoutMs);
  (async () => {
    const protocols = perProtocol ? [false, true] : [false];
    for (const useBinaryProtocol of protocols) {
      const label = useBinaryProtocol ? 'msgpack' : 'json';
      try {
        await main({ useBinaryProtocol, label });
      } catch (e) {
        console.error(`[${label}] ${e && e.stack ? e.stack : e}`);
        process.exit(1);
      }
      console.log(`[${label}] ok`);
    }
    clearTimeout(killer);
    process.exit(0);
  })();
}

module.exports = { Ably, port, key, base, options, realtime, rest, assert, assertEqual, waitFor, connectionState, control, unique, run };
