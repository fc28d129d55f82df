using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>Told on the loop of a publish's outcome, before the publish's task completes (one object per caller, not per publish).</summary>
internal interface IPublishOutcome
{
    void OnPublishOutcome(PendingMessage pending, ErrorInfo? error);
}

/// <summary>
/// A ProtocolMessage queued or sent and awaiting its ACK/NACK (RTN7, RTN19a). It is its own completion source, so a
/// publish costs one object here.
/// </summary>
internal sealed class PendingMessage : TaskCompletionSource<PublishResult>
{
    public PendingMessage(ProtocolMessage message, bool ackRequired, Action<ErrorInfo?>? onOutcome = null, IPublishOutcome? observer = null)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Message = message;
        AckRequired = ackRequired;
        _onOutcome = onOutcome;
        _observer = observer;
    }

    // Called on the loop with null (ACK) or the error (NACK, failure), before the task's continuations run: lets loop
    // code react to an outcome in order, without a hop through the thread pool.
    private Action<ErrorInfo?>? _onOutcome;
    private IPublishOutcome? _observer;
    private int _done;

    /// <summary>When the caller submitted it, on the loop's clock (for the publish duration metric).</summary>
    public DateTimeOffset Started { get; init; }

    public ProtocolMessage Message { get; }

    public bool AckRequired { get; }

    /// <summary>The loop it was submitted to (lets a static work item submit it without a closure).</summary>
    public ConnectionLoop Loop { get; init; } = null!;

    /// <summary>TM6 size of the frame's messages, measured once by the submitter (ackable frames only).</summary>
    public long Size { get; init; }

    /// <summary>The ACK's result, set before the outcome is reported (so an observer can read the serials on the loop).</summary>
    public PublishResult? AckResult { get; private set; }

    public void Ack(PublishResult? result)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            AckResult = result ?? PublishResult.None;
            try
            {
                Report(null);
            }
            finally
            {
                TrySetResult(result ?? PublishResult.None);
            }
        }
    }

    public void Fail(ErrorInfo error)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            try
            {
                Report(error);
            }
            finally
            {
                TrySetException(new AblyException(error));
            }
        }
    }

    // The outcome callbacks run before the task completes, so whatever they record is in place when awaiters resume.
    private void Report(ErrorInfo? error)
    {
        var onOutcome = _onOutcome;
        var observer = _observer;
        _onOutcome = null;
        _observer = null;
        onOutcome?.Invoke(error);
        observer?.OnPublishOutcome(this, error);
    }

    /// <summary>True for the actions that carry a msgSerial and expect an ACK (RTN7a).</summary>
    public static bool IsAckable(ProtocolAction action) =>
        action is ProtocolAction.Message or ProtocolAction.Presence or ProtocolAction.Annotation or ProtocolAction.Object;
}
