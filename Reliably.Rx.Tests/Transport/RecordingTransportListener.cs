using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// Records what a transport reports, and fails loudly on what the contract forbids: a second OnClosed, a call that
/// overlaps another, a frame before OnOpened, or any call once the test has closed the transport
/// (<see cref="ClientClosed"/>).
/// </summary>
internal sealed class RecordingTransportListener : ITransportListener
{
    private readonly object _gate = new();
    private readonly List<(byte[] Bytes, TransportFrameKind Kind)> _frames = new();
    private readonly List<string> _violations = new();
    private (int Count, TaskCompletionSource<List<(byte[] Bytes, TransportFrameKind Kind)>> Done)? _waiter;
    private int _inCall;
    private bool _clientClosed;

    public TaskCompletionSource Opened { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource<(ErrorInfo Reason, bool ConnectFailure)> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<(byte[] Bytes, TransportFrameKind Kind)> Frames
    {
        get
        {
            lock (_gate)
            {
                return _frames.ToList();
            }
        }
    }

    /// <summary>Contract violations seen so far.</summary>
    public List<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return _violations.ToList();
            }
        }
    }

    /// <summary>Marks the moment the test closes the transport: anything reported after it is a violation.</summary>
    public void ClientClosed()
    {
        lock (_gate)
        {
            _clientClosed = true;
        }
    }

    public Task<List<(byte[] Bytes, TransportFrameKind Kind)>> WaitForFramesAsync(int count)
    {
        lock (_gate)
        {
            var done = new TaskCompletionSource<List<(byte[] Bytes, TransportFrameKind Kind)>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiter = (count, done);
            Check();
            return done.Task;
        }
    }

    public void OnOpened()
    {
        using (Call("OnOpened"))
        {
            Opened.TrySetResult();
        }
    }

    public void OnFrame(ReadOnlyMemory<byte> frame, TransportFrameKind kind)
    {
        using (Call("OnFrame"))
        {
            lock (_gate)
            {
                if (!Opened.Task.IsCompleted)
                {
                    _violations.Add("a frame before OnOpened");
                }

                _frames.Add((frame.ToArray(), kind));
                Check();
            }
        }
    }

    public void OnClosed(ErrorInfo reason, bool connectFailure)
    {
        using (Call("OnClosed"))
        {
            if (!Closed.TrySetResult((reason, connectFailure)))
            {
                lock (_gate)
                {
                    _violations.Add("OnClosed reported twice");
                }
            }
        }
    }

    private IDisposable Call(string name)
    {
        lock (_gate)
        {
            if (Interlocked.Increment(ref _inCall) != 1)
            {
                _violations.Add(name + " overlapped another call");
            }

            if (_clientClosed)
            {
                _violations.Add(name + " after Close()");
            }

            if (Closed.Task.IsCompleted)
            {
                _violations.Add(name + " after OnClosed");
            }
        }

        return new CallScope(this);
    }

    private void Check()
    {
        if (_waiter is { } waiter && _frames.Count >= waiter.Count)
        {
            waiter.Done.TrySetResult(_frames.ToList());
        }
    }

    private sealed class CallScope(RecordingTransportListener owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._inCall);
    }
}
