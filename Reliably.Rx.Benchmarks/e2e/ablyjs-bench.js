'use strict';
// The ably-js side of the end-to-end harness (Reliably.Rx.Benchmarks `e2e`). Runs the same scenarios as the .NET side
// against the emulator with the official SDK and prints one JSON object on the last line of stdout.
//
// Environment: EMULATOR_PORT, EMULATOR_KEY, BENCH_FORMAT (json|msgpack), BENCH_SCENARIOS (comma list of publish,
// fanout, rest, memory, presence), BENCH_PRESENCE_MEMBERS (comma list of N), BENCH_PRESENCE_CHANGES, BENCH_PUBLISH_N, BENCH_WINDOW, BENCH_FANOUT_N, BENCH_FANOUT_SUBSCRIBERS, BENCH_REST_N,
// BENCH_REST_CONCURRENCY, BENCH_MEM_CHANNELS, BENCH_MEM_CONNECTIONS, BENCH_SCENARIO_TIMEOUT_MS, BENCH_WARMUP (1: run
// publish, fan-out and REST once at a tenth of the size before the measured run, as the .NET sides do).
// NODE_PATH must point at Reliably.Rx.Emulator.Tests/interop/node_modules (the pinned ably 2.28.0).
// Run with --expose-gc so the memory scenario can settle the heap before reading rss.
// Every wait is bounded: a scenario that does not finish in BENCH_SCENARIO_TIMEOUT_MS reports {timeout: true}.

const Ably = require('ably');

const env = process.env;
const port = Number(env.EMULATOR_PORT);
const key = env.EMULATOR_KEY;
const format = env.BENCH_FORMAT || 'msgpack';
const scenarios = (env.BENCH_SCENARIOS || 'publish,fanout,rest,memory').split(',').filter(Boolean);
const num = (name, dflt) => (env[name] ? Number(env[name]) : dflt);
let publishN = num('BENCH_PUBLISH_N', 50000);
const windowSize = num('BENCH_WINDOW', 1000);
let fanoutN = num('BENCH_FANOUT_N', 20000);
const fanoutSubscribers = num('BENCH_FANOUT_SUBSCRIBERS', 20);
let restN = num('BENCH_REST_N', 5000);
const warmup = env.BENCH_WARMUP === '1';
const restConcurrency = num('BENCH_REST_CONCURRENCY', 16);
const memChannels = num('BENCH_MEM_CHANNELS', 1000);
const memConnections = num('BENCH_MEM_CONNECTIONS', 50);
const scenarioTimeoutMs = num('BENCH_SCENARIO_TIMEOUT_MS', 90000);
let runId = Date.now().toString(36) + '-' + format;

if (!port || !key) {
  console.error('EMULATOR_PORT and EMULATOR_KEY must be set');
  process.exit(2);
}

const baseOptions = () => ({
  key, endpoint: '127.0.0.1', port, tls: false, logLevel: 0, useBinaryProtocol: format === 'msgpack',
});

const nowMs = () => performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function latencySummary(values) {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(Object.assign(new Error(what + ' timed out'), { timeout: true })), ms); }),
  ]).finally(() => clearTimeout(timer));
}

async function connected(client) {
  await withTimeout(client.connection.whenState('connected'), 15000, 'connect');
}

function closeAll(clients) {
  for (const c of clients) {
    try { c.close(); } catch (_) { /* closing is best effort */ }
  }
}

// 100 bytes of data; the fan-out payload starts with the send time so receivers can compute latency.
const filler = 'x'.repeat(100);
const payload = filler;
function timedPayload() {
  const head = nowMs().toFixed(3) + '|';
  return head + filler.substring(head.length);
}

/** Publishes n messages on one connection, at most `window` unacknowledged at once; rate until all acked, ACK latency. */
async function publishScenario() {
  const client = new Ably.Realtime(baseOptions());
  try {
    await connected(client);
    const channel = client.channels.get('bench-publish-' + runId);
    const latencies = new Float64Array(publishN);
    let sent = 0;
    let acked = 0;
    let failed = 0;
    const started = nowMs();
    await new Promise((resolve) => {
      const pump = () => {
        while (sent < publishN && sent - acked - failed < windowSize) {
          const i = sent++;
          const t0 = nowMs();
          channel.publish('m', payload).then(() => {
            latencies[i] = nowMs() - t0;
            acked++;
            if (acked + failed === publishN) resolve(); else pump();
          }, () => {
            failed++;
            if (acked + failed === publishN) resolve(); else pump();
          });
        }
      };
      pump();
    });
    const elapsed = (nowMs() - started) / 1000;
    const lat = latencySummary(latencies.subarray(0, publishN));
    return { messages: publishN, acked, failed, seconds: elapsed, rate: acked / elapsed, p50Ms: lat.p50, p99Ms: lat.p99 };
  } finally {
    closeAll([client]);
  }
}

/** One publisher, `fanoutSubscribers` subscriber connections on one channel; delivered rate and end-to-end latency. */
async function fanoutScenario() {
  const channelName = 'bench-fanout-' + runId;
  const subscribers = [];
  const publisher = new Ably.Realtime(baseOptions());
  const expected = fanoutN * fanoutSubscribers;
  const latencies = new Float64Array(expected);
  let delivered = 0;
  let lastDelivery = 0;
  let resolveAll;
  const all = new Promise((resolve) => { resolveAll = resolve; });
  const counts = new Array(fanoutSubscribers).fill(0);
  try {
    for (let s = 0; s < fanoutSubscribers; s++) {
      const client = new Ably.Realtime(baseOptions());
      subscribers.push(client);
      const channel = client.channels.get(channelName);
      const index = s;
      await channel.subscribe((message) => {
        const now = nowMs();
        const sentAt = Number(message.data.substring(0, message.data.indexOf('|')));
        if (delivered < expected) latencies[delivered] = now - sentAt;
        delivered++;
        counts[index]++;
        lastDelivery = now;
        if (delivered === expected) resolveAll();
      });
    }
    await Promise.all(subscribers.map(connected));
    await connected(publisher);
    const channel = publisher.channels.get(channelName);
    let sent = 0;
    let acked = 0;
    let failed = 0;
    const started = nowMs();
    await new Promise((resolve) => {
      const pump = () => {
        while (sent < fanoutN && sent - acked - failed < windowSize) {
          sent++;
          channel.publish('m', timedPayload()).then(() => {
            acked++;
            if (acked + failed === fanoutN) resolve(); else pump();
          }, () => {
            failed++;
            if (acked + failed === fanoutN) resolve(); else pump();
          });
        }
      };
      pump();
    });
    // All acked; wait (bounded) for the last deliveries.
    try { await withTimeout(all, 30000, 'fan-out delivery'); } catch (_) { /* reported as lost below */ }
    const elapsed = ((delivered > 0 ? lastDelivery : nowMs()) - started) / 1000;
    const lat = latencySummary(latencies.subarray(0, Math.min(delivered, expected)));
    return {
      messages: fanoutN, subscribers: fanoutSubscribers, expected, delivered, lost: expected - delivered, failed,
      minPerSubscriber: Math.min(...counts), seconds: elapsed, rate: delivered / elapsed, p50Ms: lat.p50, p99Ms: lat.p99,
    };
  } finally {
    closeAll([publisher, ...subscribers]);
  }
}

/** REST publish: restN requests from restConcurrency concurrent callers on one client. */
async function restScenario() {
  const rest = new Ably.Rest(baseOptions());
  const channel = rest.channels.get('bench-rest-' + runId);
  await channel.publish('warmup', payload);
  let next = 0;
  let ok = 0;
  let failed = 0;
  const latencies = [];
  const started = nowMs();
  const worker = async () => {
    while (next < restN) {
      next++;
      const t0 = nowMs();
      try {
        await channel.publish('m', payload);
        ok++;
        latencies.push(nowMs() - t0);
      } catch (_) {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: restConcurrency }, worker));
  const elapsed = (nowMs() - started) / 1000;
  const lat = latencySummary(latencies);
  return { requests: restN, ok, failed, seconds: elapsed, rate: ok / elapsed, p50Ms: lat.p50, p99Ms: lat.p99 };
}

function settled() {
  if (global.gc) { global.gc(); global.gc(); }
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** rss deltas: one client with memChannels attached channels; memConnections idle connections. */
async function memoryScenario() {
  const clients = [];
  try {
    await sleep(200);
    const base = settled();
    const first = new Ably.Realtime(baseOptions());
    clients.push(first);
    await connected(first);
    await sleep(500);
    const oneClient = settled();
    const attaches = [];
    for (let i = 0; i < memChannels; i++) {
      attaches.push(first.channels.get(`bench-mem-${runId}-${i}`).attach());
    }
    await withTimeout(Promise.all(attaches), 60000, 'attach');
    await sleep(500);
    const withChannels = settled();
    for (let i = 1; i < memConnections; i++) {
      clients.push(new Ably.Realtime(baseOptions()));
    }
    await withTimeout(Promise.all(clients.map(connected)), 60000, 'connect');
    await sleep(500);
    const withConnections = settled();
    return {
      baseRss: base.rss, oneClientRss: oneClient.rss, channels: memChannels, withChannelsRss: withChannels.rss,
      channelsDelta: withChannels.rss - oneClient.rss, perChannel: (withChannels.rss - oneClient.rss) / memChannels,
      connections: memConnections, perConnection: (withConnections.rss - withChannels.rss) / (memConnections - 1),
      firstClient: oneClient.rss - base.rss,
      channelsHeapDelta: withChannels.heap - oneClient.heap,
      perConnectionHeap: (withConnections.heap - withChannels.heap) / (memConnections - 1),
      firstClientHeap: oneClient.heap - base.heap,
    };
  } finally {
    closeAll(clients);
  }
}

/**
 * The presence-members curve: for each N, one client enters N members on behalf of N clientIds, a new subscriber's
 * attach + SYNC is timed (presence.get waits for the SYNC), its heap gain divided by N, then ENTER/UPDATE/LEAVE of one
 * more member are timed one at a time from the call to their delivery on the subscriber.
 */
async function presenceScenario() {
  const points = [];
  const memberCounts = (env.BENCH_PRESENCE_MEMBERS || '10,100,1000,10000').split(',').filter(Boolean).map(Number);
  const cycles = num('BENCH_PRESENCE_CHANGES', 100);
  for (const members of memberCounts) {
    const clients = [];
    try {
      points.push(await withTimeout((async () => {
        const name = `bench-presence-${runId}-${members}`;
        const enterer = new Ably.Realtime(baseOptions());
        clients.push(enterer);
        await connected(enterer);
        const presence = enterer.channels.get(name).presence;
        const enterStarted = nowMs();
        let next = 0;
        const worker = async () => {
          while (next < members) {
            const i = next++;
            await presence.enterClient('member-' + i, 'present');
          }
        };
        await Promise.all(Array.from({ length: Math.min(500, members) }, worker));
        const enterSeconds = (nowMs() - enterStarted) / 1000;

        const subscriber = new Ably.Realtime(baseOptions());
        clients.push(subscriber);
        await connected(subscriber);
        const watched = subscriber.channels.get(name).presence;
        await sleep(200);
        const before = settled();
        const syncStarted = nowMs();
        const present = await watched.get();
        const syncMs = nowMs() - syncStarted;
        const after = settled();
        const point = { members, enterSeconds, syncMs, heapPerMember: (after.heap - before.heap) / members };
        if (present.length !== members) {
          point.error = `SYNC gave ${present.length} members, not ${members}`;
          return point;
        }

        let delivered = null;
        await watched.subscribe((m) => { if (m.clientId.startsWith('change-') && delivered) delivered(); });
        const latencies = [];
        const cpu0 = process.cpuUsage();
        for (let c = 0; c < cycles; c++) {
          const clientId = 'change-' + c;
          for (const step of [() => presence.enterClient(clientId, 'in'), () => presence.updateClient(clientId, 'updated'), () => presence.leaveClient(clientId)]) {
            const arrived = new Promise((resolve) => { delivered = resolve; });
            const t0 = nowMs();
            await step();
            await withTimeout(arrived, 10000, 'change delivery');
            latencies.push(nowMs() - t0);
          }
        }
        const cpu = process.cpuUsage(cpu0);
        const sorted = Float64Array.from(latencies).sort();
        point.changeP50Ms = percentile(sorted, 50);
        point.changeMeanMs = latencies.reduce((a, b) => a + b, 0) / latencies.length;
        point.cpuPerChangeUs = (cpu.user + cpu.system) / latencies.length;
        return point;
      })(), scenarioTimeoutMs, `presence ${members}`));
    } catch (e) {
      points.push({ members, error: e.timeout ? 'timed out' : String(e && e.message || e) });
    } finally {
      closeAll(clients);
    }
    await sleep(300);
  }
  return { points };
}

function ablyVersion() {
  try {
    const dir = (env.NODE_PATH || '').split(require('path').delimiter)[0];
    return JSON.parse(require('fs').readFileSync(require('path').join(dir, 'ably', 'package.json'), 'utf8')).version;
  } catch (_) {
    return 'unknown';
  }
}

const all = { publish: publishScenario, fanout: fanoutScenario, rest: restScenario, memory: memoryScenario, presence: presenceScenario };

(async () => {
  const results = { format, node: process.version, ably: ablyVersion() };
  for (const name of scenarios) {
    const run = all[name];
    if (!run) continue;
    if (warmup && name !== 'memory' && name !== 'presence') {
      // A discarded run at a tenth of the size (same floors as the .NET harness).
      const sizes = [publishN, fanoutN, restN, runId];
      runId += '-warmup';
      publishN = Math.max(500, Math.floor(publishN / 10));
      fanoutN = Math.max(200, Math.floor(fanoutN / 10));
      restN = Math.max(100, Math.floor(restN / 10));
      try {
        await withTimeout(run(), scenarioTimeoutMs, name + ' warm-up');
      } catch (_) {
        // The measured run reports any problem.
      }
      [publishN, fanoutN, restN, runId] = sizes;
      await sleep(300);
    }
    const t0 = nowMs();
    try {
      results[name] = await withTimeout(run(), scenarioTimeoutMs, name);
    } catch (e) {
      results[name] = e.timeout ? { timeout: true } : { error: String(e && e.message || e) };
    }
    results[name].wallSeconds = (nowMs() - t0) / 1000;
    await sleep(300);
  }
  process.stdout.write(JSON.stringify(results) + '\n');
  // Open sockets of a timed-out scenario must not keep the process alive.
  setTimeout(() => process.exit(0), 200);
})();
