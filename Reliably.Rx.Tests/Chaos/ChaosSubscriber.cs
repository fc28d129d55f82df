using System.Collections.Concurrent;
using System.Globalization;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>
/// One subscriber client's view: the sequence numbers it received, its resumes and its discontinuities. It subscribes
/// with the delivery contract's bounds (<see cref="DeliveryOptions"/>): with <see cref="OverflowPolicy.DropOldest"/> it
/// can be made slow for a spell and records each gap the bound cut (the last message delivered before it); with
/// AutoBackfill the library reads each gap back from history into the stream.
/// </summary>
internal sealed class ChaosSubscriber : IDisposable
{
    private readonly object _gate = new();
    private readonly List<int> _received = new();
    private readonly HashSet<int> _distinct = new();
    private readonly List<IDisposable> _subscriptions = new();
    private readonly int _target;
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _sentinel = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<TimeSpan> _now;
    private readonly Dictionary<int, long> _gaps = new();
    private readonly DeliverySubscription _subscription;
    private int _slowFor;

    /// <param name="now">The run's clock, shared with the injector so event times compare with fault times.</param>
    public ChaosSubscriber(AblyRealtime client, RealtimeChannel channel, int target, DeliveryOptions options, Func<TimeSpan> now)
    {
        _now = now;
        Client = client;
        Channel = channel;
        Options = options;
        _target = target;
        _subscription = channel.Messages().Subscribe(Validator.Wrap(System.Reactive.Observer.Create<Message>(OnMessage, e => _failed.TrySetException(e))), options);
        _subscriptions.Add(_subscription);
        _subscriptions.Add(_subscription.SlowConsumer.Subscribe(OnSlowConsumer));
        _subscriptions.Add(DiscontinuityValidator.Wrap(channel.Discontinuities).Subscribe(d =>
        {
            lock (_gate)
            {
                Discontinuities.Add((_now(), d));
            }
        }));
        _subscriptions.Add(channel.SubscriberErrors.Subscribe(e => SubscriberErrors.Add(e)));
        _subscriptions.Add(channel.StateChanges.Subscribe(c =>
        {
            Log.Enqueue($"{_now()} channel {c.Previous}->{c.Current} {c.Reason?.Code} resumed={c.Resumed} received={Distinct}");
            if (c.Current == ChannelState.Attached)
            {
                lock (_gate)
                {
                    Attaches.Add((_now(), c.Resumed));
                }
            }
        }));
        _subscriptions.Add(client.Connection.StateChanges.Subscribe(c => Log.Enqueue($"{_now()} connection {c.Previous}->{c.Current} {c.Reason?.Code} {c.Reason?.Message}")));
        var connectedOnce = false;
        var lostAt = TimeSpan.Zero;
        _subscriptions.Add(client.Connection.StateChanges.Subscribe(change =>
        {
            if (change.Current == ConnectionState.Disconnected || change.Current == ConnectionState.Suspended)
            {
                lostAt = _now();
                return;
            }

            if (change.Current != ConnectionState.Connected)
            {
                return;
            }

            lock (_gate)
            {
                if (change.Reason?.Code == ErrorCodes.UnableToRecoverConnection)
                {
                    // Connection and channel events reach this subscriber through separate queues, so the discontinuity
                    // may be observed a moment before this CONNECTED. It cannot precede the transport loss behind it.
                    FailedResumes.Add(lostAt);
                }
                else if (connectedOnce)
                {
                    Resumes++;
                }

                connectedOnce = true;
            }
        }));
    }

    /// <summary>The name of the message published after all the others.</summary>
    public const string Sentinel = "end";

    public AblyRealtime Client { get; }

    public RealtimeChannel Channel { get; }

    public DeliveryOptions Options { get; }

    public SynchronizationValidator Validator { get; } = new();

    public SynchronizationValidator DiscontinuityValidator { get; } = new();

    public List<(TimeSpan At, ChannelDiscontinuity D)> Discontinuities { get; } = new();

    /// <summary>Each time the channel became ATTACHED, and whether the server said continuity survived (RESUMED, RTL2f).</summary>
    public List<(TimeSpan At, bool Resumed)> Attaches { get; } = new();

    /// <summary>For each failed resume (CONNECTED with 80008), when the connection it replaced was seen lost.</summary>
    public List<TimeSpan> FailedResumes { get; } = new();

    public int Resumes { get; private set; }

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentBag<Exception> SubscriberErrors { get; } = new();

    public int Duplicates { get; private set; }

    /// <summary>Messages the bound dropped (the library reads them back from history).</summary>
    public long Dropped => _subscription.Dropped;

    public int Gaps
    {
        get
        {
            lock (_gate)
            {
                return _gaps.Count;
            }
        }
    }

    public int SlowSpells { get; private set; }

    public List<int> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToList();
            }
        }
    }

    public int Distinct
    {
        get
        {
            lock (_gate)
            {
                return _distinct.Count;
            }
        }
    }

    /// <summary>
    /// Makes the next <paramref name="messages"/> deliveries take <paramref name="each"/>: a consumer stalled by its own
    /// work (load on the subscriber, not a wait for state), which a bounded queue with DropOldest must survive.
    /// </summary>
    public void BeSlow(int messages)
    {
        Interlocked.Exchange(ref _slowFor, messages);
        SlowSpells++;
    }

    /// <summary>True while a slow spell still has deliveries to slow down.</summary>
    public bool IsSlow => Volatile.Read(ref _slowFor) > 0;

    /// <summary>Completes once the message published after all the others arrived (or the stream failed).</summary>
    public Task WaitForSentinelAsync(TimeSpan timeout) => Task.WhenAny(_sentinel.Task, _failed.Task).Unwrap().WaitAsync(timeout);

    private void OnMessage(Message message)
    {
        if (Interlocked.Decrement(ref _slowFor) >= 0)
        {
            Thread.Sleep(3);
        }

        if (message.Name == Sentinel)
        {
            _sentinel.TrySetResult();
            return;
        }

        var seq = int.Parse(message.Name!, CultureInfo.InvariantCulture);
        lock (_gate)
        {
            _received.Add(seq);
            if (!_distinct.Add(seq))
            {
                Duplicates++;
            }

        }
    }

    private void OnSlowConsumer(SlowConsumerEvent e)
    {
        Log.Enqueue($"{_now()} slow consumer {e.State} dropped={e.Dropped} after={e.LastDeliveredId}");
        if (e.State != SlowConsumerState.Dropped)
        {
            return;
        }

        lock (_gate)
        {
            // The gap starts after the last message delivered before it (none yet: before the first one); later events for
            // the same gap report its running total.
            var after = e.LastDeliveredId is { } id ? int.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture) : -1;
            _gaps[after] = Math.Max(_gaps.GetValueOrDefault(after), e.Dropped);
        }
    }

    public void Dispose() => _subscriptions.ForEach(s => s.Dispose());
}
