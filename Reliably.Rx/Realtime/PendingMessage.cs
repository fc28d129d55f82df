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
internal sealed class PendingMessage : TaskCompletionSource<PublishResult?>
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

    /// <summary>TM6 size of the frame's messages, set when submitted (ackable frames only).</summary>
    public long Size { get; set; }

    /// <summary>May share a ProtocolMessage with other publishes on the same channel (RTL6d).</summary>
    public bool Bundleable { get; init; }

    /// <summary>For a bundle: the publishes it carries, completed together with their share of the ACK.</summary>
    private PendingMessage[]? _members;

    /// <summary>
    /// One ProtocolMessage carrying the messages of <paramref name="members"/> (same channel, in order): it is sent and
    /// acknowledged as one frame, and each member completes with its own slice of the ACK's serials.
    /// </summary>
    public static PendingMessage Bundle(ReadOnlySpan<PendingMessage> members)
    {
        var count = 0;
        foreach (var member in members)
        {
            count += member.Message.Messages!.Length;
        }

        var messages = new Message[count];
        var offset = 0;
        long size = 0;
        foreach (var member in members)
        {
            size += member.Size;
            member.Message.Messages!.CopyTo(messages, offset);
            offset += member.Message.Messages.Length;
        }

        var first = members[0].Message;
        return new PendingMessage(new ProtocolMessage(first.Action, first.Channel) { Messages = messages }, ackRequired: true)
        {
            Size = size,
            _members = members.ToArray(),
        };
    }

    public void Ack(PublishResult? result)
    {
        if (_members is { } members)
        {
            var offset = 0;
            foreach (var member in members)
            {
                var count = member.Message.Messages!.Length;
                member.Ack(Slice(result, offset, count));
                offset += count;
            }
        }

        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            try
            {
                Report(null);
            }
            finally
            {
                TrySetResult(result);
            }
        }
    }

    public void Fail(ErrorInfo error)
    {
        if (_members is { } members)
        {
            foreach (var member in members)
            {
                member.Fail(error);
            }
        }

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

    private static PublishResult? Slice(PublishResult? result, int offset, int count)
    {
        if (result is null)
        {
            return null;
        }

        var serials = new string?[count];
        for (var i = 0; i < count && offset + i < result.Serials.Length; i++)
        {
            serials[i] = result.Serials[offset + i];
        }

        return new PublishResult { Serials = serials };
    }

    /// <summary>True for the actions that carry a msgSerial and expect an ACK (RTN7a).</summary>
    public static bool IsAckable(ProtocolAction action) =>
        action is ProtocolAction.Message or ProtocolAction.Presence or ProtocolAction.Annotation or ProtocolAction.Object;
}
