namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// A thread-safe subscriber that records messages and lets a test await a count (event-driven, with a timeout),
/// checking per-subscriber ordering of integer payloads as it goes.
/// </summary>
internal sealed class MessageCollector : IObserver<Message>
{
    private readonly object _gate = new();
    private readonly List<Message> _messages = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = new();
    private int _completed;

    public IReadOnlyList<Message> Messages
    {
        get
        {
            lock (_gate)
            {
                return _messages.ToList();
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _messages.Count;
            }
        }
    }

    public bool Completed => Volatile.Read(ref _completed) == 1;

    /// <summary>Runs on the delivery thread before a message is recorded (e.g. a gate for a slow subscriber).</summary>
    public Action<Message>? BeforeRecord { get; set; }

    public Task WaitForCountAsync(int count, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (_messages.Count >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(timeout);
        }
    }

    public void OnNext(Message value)
    {
        BeforeRecord?.Invoke(value);
        lock (_gate)
        {
            _messages.Add(value);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_messages.Count >= _waiters[i].Count)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    public void OnError(Exception error)
    {
        lock (_gate)
        {
            foreach (var waiter in _waiters)
            {
                waiter.Done.TrySetException(error);
            }
        }
    }

    public void OnCompleted() => Volatile.Write(ref _completed, 1);

    /// <summary>The integer payloads (data is the decimal index) in delivery order.</summary>
    public List<int> Indexes() => Messages.Select(m => int.Parse(m.Name!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
}
