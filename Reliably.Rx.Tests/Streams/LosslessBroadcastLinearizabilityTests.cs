using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using CsCheck;
using Reliably.Rx.Streams;

namespace Reliably.Rx.Tests.Streams;

/// <summary>
/// Linearizability of <see cref="LosslessBroadcast{T}"/> under concurrent subscribe, dispose and publish, with CsCheck's
/// parallel sampling: random operations run on several threads at once against the broadcast (delivering on the thread
/// pool), and what every subscriber received must equal what some sequential order of the same operations gives on
/// <see cref="Model"/>. Publishes are serialized among themselves, as the connection loop is their only caller;
/// subscriptions and disposals come from any thread, as an application's do.
/// </summary>
/// <remarks>
/// The model: a subscriber receives exactly the items published between its subscription and its disposal, in publish
/// order, then the completion if it is still subscribed when the stream completes. A disposal drops what was queued and
/// not yet delivered, so a disposed subscriber's items are a prefix of the model's. Notifications never overlap and
/// nothing follows the completion.
/// </remarks>
[Category("Property")]
public sealed class LosslessBroadcastLinearizabilityTests
{
    private const int Slots = 4;

    [Test]
    public void Subscribe_dispose_and_publish_from_many_threads_are_linearizable()
    {
        Gen.Const(() => (new Actual(), new Model()))
            .SampleParallel(
                [
                    Gen.Int[0, 999].Operation<Actual, Model>(v => $"Publish({v})", (a, v) => a.Publish(v), (m, v) => m.Publish(v)),
                    Gen.Int[0, Slots - 1].Operation<Actual, Model>(k => $"Subscribe({k})", (a, k) => a.Subscribe(k), (m, k) => m.Subscribe(k)),
                    Gen.Int[0, Slots - 1].Operation<Actual, Model>(k => $"Dispose({k})", (a, k) => a.Dispose(k), (m, k) => m.Dispose(k)),
                ],
                equal: (a, m) => a.Matches(m),
                maxSequentialOperations: 6,
                maxParallelOperations: 4,
                iter: 800,
                printActual: a => a.Describe(),
                printModel: m => m.Describe());
    }

    /// <summary>The sequential specification.</summary>
    internal sealed class Model
    {
        public List<int>?[] Received { get; } = new List<int>?[Slots];

        public bool[] Disposed { get; } = new bool[Slots];

        public void Publish(int value)
        {
            for (var k = 0; k < Slots; k++)
            {
                if (Received[k] is { } list && !Disposed[k])
                {
                    list.Add(value);
                }
            }
        }

        public void Subscribe(int k) => Received[k] ??= [];

        public void Dispose(int k) => Disposed[k] |= Received[k] is not null;

        public string Describe() => string.Join(" ", Enumerable.Range(0, Slots).Select(k =>
            Received[k] is { } r ? $"[{k}{(Disposed[k] ? " disposed" : string.Empty)}: {string.Join(",", r)}]" : $"[{k}: -]"));
    }

    /// <summary>The broadcast under test, with one recorder per slot.</summary>
    internal sealed class Actual
    {
        private readonly CountingScheduler _delivery = new();
        private readonly LosslessBroadcast<int> _broadcast;
        private readonly object _loop = new();
        private readonly object[] _slotGates = Enumerable.Range(0, Slots).Select(_ => new object()).ToArray();
        private readonly Recorder?[] _recorders = new Recorder?[Slots];
        private readonly IDisposable?[] _subscriptions = new IDisposable?[Slots];
        private readonly bool[] _disposed = new bool[Slots];
        private bool _settled;

        public Actual() => _broadcast = new LosslessBroadcast<int>(_delivery);

        public void Publish(int value)
        {
            lock (_loop)
            {
                _broadcast.Publish(value);
            }
        }

        public void Subscribe(int k)
        {
            // The slot gate only keeps this harness's bookkeeping consistent; operations on different slots still race.
            lock (_slotGates[k])
            {
                if (_recorders[k] is null)
                {
                    _recorders[k] = new Recorder();
                    _subscriptions[k] = _broadcast.Subscribe(_recorders[k]!);
                }
            }
        }

        public void Dispose(int k)
        {
            lock (_slotGates[k])
            {
                if (_subscriptions[k] is { } s && !_disposed[k])
                {
                    _disposed[k] = true;
                    s.Dispose();
                }
            }
        }

        public bool Matches(Model model)
        {
            Settle();
            for (var k = 0; k < Slots; k++)
            {
                var recorder = _recorders[k];
                var expected = model.Received[k];
                if ((recorder is null) != (expected is null) || _disposed[k] != model.Disposed[k])
                {
                    return false;
                }

                if (recorder is null || expected is null)
                {
                    continue;
                }

                var items = recorder.Items;
                var ok = _disposed[k]
                    ? items.Count <= expected.Count && items.SequenceEqual(expected.Take(items.Count)) && !recorder.Completed
                    : items.SequenceEqual(expected) && recorder.Completed;
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>
        /// Waits until every queued delivery ran, completes the stream, and waits again: after that nothing can change.
        /// Idempotent, since the checker compares one run with several sequential orders.
        /// </summary>
        private void Settle()
        {
            // The checker may compare orders on several threads at once.
            lock (_loop)
            {
                if (_settled)
                {
                    return;
                }

                _delivery.WaitIdle();
                _broadcast.Complete();
                _delivery.WaitIdle();
                var broken = _recorders.Where(r => r is not null && (r.Overlaps > 0 || r.AfterCompletion > 0)).ToList();
                Assert.That(broken, Is.Empty, "overlapping notifications, or notifications after OnCompleted");
                _settled = true;
            }
        }

        public string Describe() => string.Join(" ", Enumerable.Range(0, Slots).Select(k => _recorders[k] is { } r
            ? $"[{k}{(_disposed[k] ? " disposed" : string.Empty)}{(r.Completed ? " completed" : string.Empty)}: {string.Join(",", r.Items)}]"
            : $"[{k}: -]"));
    }

    /// <summary>Records what one subscriber saw, and any breach of the Rx grammar.</summary>
    private sealed class Recorder : IObserver<int>
    {
        private readonly List<int> _items = [];
        private int _inside;

        public IReadOnlyList<int> Items
        {
            get
            {
                lock (_items)
                {
                    return _items.ToArray();
                }
            }
        }

        public bool Completed { get; private set; }

        public int Overlaps { get; private set; }

        public int AfterCompletion { get; private set; }

        public void OnNext(int value) => Notify(() =>
        {
            lock (_items)
            {
                _items.Add(value);
            }
        });

        public void OnCompleted() => Notify(() => Completed = true);

        public void OnError(Exception error) => Notify(() => AfterCompletion++);

        private void Notify(Action record)
        {
            if (Interlocked.Exchange(ref _inside, 1) == 1)
            {
                Overlaps++;
            }

            if (Completed)
            {
                AfterCompletion++;
            }

            record();
            Volatile.Write(ref _inside, 0);
        }
    }

    /// <summary>Runs work on the thread pool and knows when none is pending, so a check never sleeps to wait for delivery.</summary>
    private sealed class CountingScheduler : IScheduler
    {
        private readonly object _gate = new();
        private int _pending;

        public DateTimeOffset Now => DateTimeOffset.UtcNow;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
        {
            lock (_gate)
            {
                _pending++;
            }

            ThreadPool.UnsafeQueueUserWorkItem(_ =>
            {
                try
                {
                    action(this, state);
                }
                finally
                {
                    lock (_gate)
                    {
                        _pending--;
                        Monitor.PulseAll(_gate);
                    }
                }
            }, null);
            return Disposable.Empty;
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action) =>
            ThreadPoolScheduler.Instance.Schedule(state, dueTime, (_, s) => action(this, s));

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action) =>
            ThreadPoolScheduler.Instance.Schedule(state, dueTime, (_, s) => action(this, s));

        public void WaitIdle()
        {
            lock (_gate)
            {
                while (_pending > 0)
                {
                    // A delivery that never finishes is a hang: fail rather than wait for ever.
                    if (!Monitor.Wait(_gate, TimeSpan.FromSeconds(30)))
                    {
                        throw new TimeoutException($"{_pending} deliveries still pending after 30 s");
                    }
                }
            }
        }
    }
}
