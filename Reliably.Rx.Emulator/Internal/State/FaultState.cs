namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Armed faults consulted by the realtime and REST paths. Thread-safe.</summary>
internal sealed class FaultState
{
    private readonly object _gate = new();
    private readonly List<NackFault> _nacks = [];
    private readonly List<RestFault> _rest = [];
    private readonly List<ConnectFault> _connects = [];
    private long _ackDelayTicks;
    private long _attachDelayTicks;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, EmulatorInboundHold> _inboundHolds = new(StringComparer.Ordinal);

    /// <summary>Frames swallowed or replaced, in either direction.</summary>
    public FrameRules Frames { get; } = new();

    public TimeSpan AckDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _ackDelayTicks));
        set => Interlocked.Exchange(ref _ackDelayTicks, value.Ticks);
    }

    public TimeSpan AttachDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _attachDelayTicks));
        set => Interlocked.Exchange(ref _attachDelayTicks, value.Ticks);
    }

    public void AddNack(int count, EmulatorError error, string? connectionId)
    {
        lock (_gate)
        {
            _nacks.Add(new NackFault(connectionId, error) { Remaining = count });
        }
    }

    public EmulatorError? TryConsumeNack(string connectionId)
    {
        lock (_gate)
        {
            // A loop, not LINQ: this runs on every publish, almost always with no fault armed.
            NackFault? fault = null;
            foreach (var n in _nacks)
            {
                if (n.ConnectionId is null || n.ConnectionId == connectionId)
                {
                    fault = n;
                    break;
                }
            }

            if (fault is null)
            {
                return null;
            }

            if (--fault.Remaining <= 0)
            {
                _nacks.Remove(fault);
            }

            return fault.Error;
        }
    }

    public void AddRestFault(string? address, int statusCode, int? count, string? pathPrefix, EmulatorError? error = null)
    {
        lock (_gate)
        {
            _rest.Add(new RestFault(address, statusCode, pathPrefix, error) { Remaining = count });
        }
    }

    /// <summary>The error to answer a REST request with, or null when no fault applies.</summary>
    public EmulatorError? TryConsumeRestFault(string localAddress, string path)
    {
        lock (_gate)
        {
            var fault = _rest.FirstOrDefault(f => (f.Address is null || f.Address == localAddress)
                && (f.PathPrefix is null || path.StartsWith(f.PathPrefix, StringComparison.Ordinal)));
            if (fault is null)
            {
                return null;
            }

            if (fault.Remaining is not null && --fault.Remaining <= 0)
            {
                _rest.Remove(fault);
            }

            return fault.Error is { } error
                ? error with { StatusCode = fault.StatusCode }
                : new EmulatorError(fault.StatusCode * 100, fault.StatusCode, "Injected server error");
        }
    }

    public void AddConnectFault(string? address, int? count, EmulatorError? error)
    {
        lock (_gate)
        {
            _connects.Add(new ConnectFault(address, error) { Remaining = count });
        }
    }

    /// <summary>True if this connection attempt must fail; <paramref name="error"/> null means "drop it unanswered".</summary>
    public bool TryConsumeConnectFault(string localAddress, out EmulatorError? error)
    {
        lock (_gate)
        {
            var fault = _connects.FirstOrDefault(f => f.Address is null || f.Address == localAddress);
            error = fault?.Error;
            if (fault is null)
            {
                return false;
            }

            if (fault.Remaining is not null && --fault.Remaining <= 0)
            {
                _connects.Remove(fault);
            }

            return true;
        }
    }

    /// <summary>
    /// A test's hook, run on the handling thread once the ACK bookkeeping of a frame with a msgSerial has begun (connection
    /// id, msgSerial), before the frame is handled: a test can keep a handling under way there.
    /// </summary>
    internal Action<string, long>? AfterAckBegun { get; set; }

    /// <summary>A test's hook, run when a resend starts to wait for the original's handling to reply (connection id, msgSerial).</summary>
    internal Action<string, long>? ResendWaits { get; set; }

    /// <summary>
    /// A test's hook, run on the releasing thread when replies held by the ack-delay fault have come due and been taken
    /// out of the hold, before any of them is sent (connection id): a test can keep a release under way there.
    /// </summary>
    internal Action<string>? HeldRepliesDue { get; set; }

    /// <summary>Holds the handling of the connection's inbound frames from now on (replacing an earlier hold of it).</summary>
    public EmulatorInboundHold HoldInbound(string connectionId)
    {
        var hold = new EmulatorInboundHold(connectionId);
        if (_inboundHolds.TryGetValue(connectionId, out var previous))
        {
            previous.ReleaseAll();
        }

        _inboundHolds[connectionId] = hold;
        return hold;
    }

    /// <summary>The hold on the connection's inbound frames, if any (checked for every inbound frame).</summary>
    public EmulatorInboundHold? InboundHold(string connectionId) =>
        _inboundHolds.IsEmpty ? null : _inboundHolds.GetValueOrDefault(connectionId);

    public void Reset()
    {
        lock (_gate)
        {
            _nacks.Clear();
            _rest.Clear();
            _connects.Clear();
        }

        foreach (var hold in _inboundHolds.Values)
        {
            hold.ReleaseAll();
        }

        _inboundHolds.Clear();

        Frames.Reset();

        AckDelay = TimeSpan.Zero;
        AttachDelay = TimeSpan.Zero;
        AfterAckBegun = null;
        ResendWaits = null;
        HeldRepliesDue = null;
    }

    private sealed record NackFault(string? ConnectionId, EmulatorError Error)
    {
        public int Remaining { get; set; }
    }

    private sealed record ConnectFault(string? Address, EmulatorError? Error)
    {
        public int? Remaining { get; set; }
    }

    private sealed record RestFault(string? Address, int StatusCode, string? PathPrefix, EmulatorError? Error)
    {
        public int? Remaining { get; set; }
    }
}
