using Reliably.Rx.Protocol;

namespace Reliably.Rx.Realtime;

/// <summary>A ProtocolMessage queued or sent and awaiting its ACK/NACK (RTN7, RTN19a).</summary>
internal sealed class PendingMessage
{
    public PendingMessage(ProtocolMessage message, bool ackRequired, Action<ErrorInfo?>? onOutcome = null)
    {
        Message = message;
        AckRequired = ackRequired;
        _onOutcome = onOutcome;
    }

    // Called on the loop with null (ACK) or the error (NACK, failure), before the task's continuations run: lets loop
    // code react to an outcome in order, without a hop through the thread pool.
    private Action<ErrorInfo?>? _onOutcome;

    public ProtocolMessage Message { get; }

    public bool AckRequired { get; }

    /// <summary>Completes with the ACK's <c>res</c> entry (null when the server sent none), faults with AblyException on NACK or failure.</summary>
    public TaskCompletionSource<PublishResult?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Ack(PublishResult? result)
    {
        if (Completion.TrySetResult(result))
        {
            Interlocked.Exchange(ref _onOutcome, null)?.Invoke(null);
        }
    }

    public void Fail(ErrorInfo error)
    {
        if (Completion.TrySetException(new AblyException(error)))
        {
            Interlocked.Exchange(ref _onOutcome, null)?.Invoke(error);
        }
    }

    /// <summary>True for the actions that carry a msgSerial and expect an ACK (RTN7a).</summary>
    public static bool IsAckable(ProtocolAction action) =>
        action is ProtocolAction.Message or ProtocolAction.Presence or ProtocolAction.Annotation or ProtocolAction.Object;
}
