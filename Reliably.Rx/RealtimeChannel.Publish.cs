using System.Diagnostics;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>Publishing (RTL6).</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>
    /// Publishes one message (RTL6i). <paramref name="data"/> is a string, a byte array, a JToken (for example from
    /// <see cref="MessageData.Json"/>) or any object, which is sent as JSON.
    /// </summary>
    /// <returns>The message's serial on ACK (RTL6j); faults with the NACK's error.</returns>
    /// <exception cref="AblyException">See <see cref="PublishAsync(IEnumerable{Message}, CancellationToken)"/>.</exception>
    public Task<PublishResult> PublishAsync(string? name, object? data, CancellationToken cancellationToken = default)
    {
        try
        {
            ThrowIfUnusable();

            // The message is this method's own, so it is built encoded: no defensive copy, no clientId to check.
            var (payload, encoding) = PayloadTransform.Encode(data, null, Options.Cipher, Format);
            return PublishEncoded([new Message(name, payload) { Encoding = encoding }], cancellationToken);
        }
        catch (AblyException ex)
        {
            // Every failure is reported through the task (docs/delivery-guarantees.md, "Errors").
            return Task.FromException<PublishResult>(ex);
        }
    }

    /// <summary>Publishes one message (RTL6i); the message object is not changed.</summary>
    /// <returns>The message's serial on ACK (RTL6j); faults with the NACK's error.</returns>
    /// <exception cref="AblyException">See <see cref="PublishAsync(IEnumerable{Message}, CancellationToken)"/>.</exception>
    public Task<PublishResult> PublishAsync(Message message, CancellationToken cancellationToken = default) =>
        message is null
            ? Task.FromException<PublishResult>(Unusable() ?? new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message must not be null."))
            : PublishAsync(new[] { message }, cancellationToken);

    /// <summary>
    /// Publishes messages in one ProtocolMessage, atomically (RTL6i2). The messages are encoded (and encrypted with the
    /// channel's cipher) before sending and are not changed. Publishing does not attach the channel (RTL6c5); it is
    /// queued while the connection is connecting or disconnected when <see cref="ClientOptions.QueueMessages"/> is on
    /// (RTL6c2).
    /// </summary>
    /// <param name="messages">The messages.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the publish itself is not withdrawn.</param>
    /// <returns>
    /// On ACK, the messages' serials in order (RTL6j); faults with an <see cref="AblyException"/> carrying the NACK's
    /// error (RTL6b).
    /// </returns>
    /// <exception cref="AblyException">
    /// Reported through the task, never thrown: 40003 for null or no messages; 40012 for a clientId that is <c>*</c> or not this client's
    /// (RTL6g); 40013 for data that cannot be serialized; 40009 when larger than the connection's maxMessageSize
    /// (TO3l8); 90001 when the channel is SUSPENDED or FAILED (RTL6c4) or released. The task faults with the
    /// connection's error when it is suspended, closed or failed (RTN7e).
    /// </exception>
    public Task<PublishResult> PublishAsync(IEnumerable<Message> messages, CancellationToken cancellationToken = default)
    {
        try
        {
            ThrowIfUnusable();
            var list = messages as IReadOnlyList<Message> ?? messages?.ToList() ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The messages must not be null.");
            if (list.Count == 0)
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Publish needs at least one message.");
            }

            CheckClientIds(list);
            return PublishEncoded(MessageEncoder.EncodeAll(list, Options.Cipher, Format), cancellationToken);
        }
        catch (AblyException ex)
        {
            return Task.FromException<PublishResult>(ex);
        }
    }

    private Task<PublishResult> PublishEncoded(Message[] encoded, CancellationToken cancellationToken)
    {
        var size = CheckPublishable(encoded);

        if (_loop.Options.IdempotentRealtimePublishing)
        {
            // RSL1k1 for realtime, one base per publish call (RTL6i2: one ProtocolMessage): a resend after a failed
            // resume gets a new msgSerial, and the ids let the server drop it if the first copy was published (RTN19a).
            IdempotentIds.AssignMissing(encoded, _loop.Random);
        }

        return SendAsync(new ProtocolMessage(ProtocolAction.Message, Name) { Messages = encoded }, encoded.Length, size, cancellationToken);
    }

    /// <summary>TO3l8 size and RTL6c4 channel state; returns the size for the loop's own check.</summary>
    private long CheckPublishable(IReadOnlyList<Message> encoded)
    {
        var size = CheckSize(encoded);
        if (State is ChannelState.Suspended or ChannelState.Failed && !ConnectionRefusesPublishes())
        {
            // RTL6c4. A connection that refuses publishes answers with its own error instead (the server's, for a
            // FAILED one): the loop reports it, as it does for a publish queued before the failure.
            throw new AblyException(new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400, $"Cannot publish on a {State} channel (RTL6c4).") { Cause = ErrorReason });
        }

        return size;
    }

    private bool ConnectionRefusesPublishes() =>
        _loop.Snapshot.State is ConnectionState.Suspended or ConnectionState.Closing or ConnectionState.Closed or ConnectionState.Failed;

    private PublishMetrics? _publishMetrics;

    private Task<PublishResult> SendAsync(ProtocolMessage message, int count, long size, CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled || ReliablyRxDiagnostics.ActivitySource.HasListeners())
        {
            return SendTracedAsync(message, count, size, cancellationToken);
        }

        // Nobody traces and nothing can cancel the wait: the loop's own task is returned (no async wrapper, no extra
        // hop), and the metrics are recorded on the loop when the outcome arrives, before the task completes.
        return _loop.SendAsync(message, _publishMetrics ??= new PublishMetrics(this), _loop.Scheduler.Now, size);
    }

    /// <summary>Records a publish's metrics from its outcome; one per channel.</summary>
    private sealed class PublishMetrics(RealtimeChannel channel) : IPublishOutcome
    {
        public void OnPublishOutcome(PendingMessage pending, ErrorInfo? error)
        {
            if (error is null)
            {
                ReliablyRxDiagnostics.MessagesPublished.Add(pending.Message.Messages?.Length ?? pending.Message.Presence?.Length ?? 0, channel._tag);
            }

            channel.Record(pending.Started, error is null ? "ack" : "nack");
        }
    }

    private async Task<PublishResult> SendTracedAsync(ProtocolMessage message, int count, long size, CancellationToken cancellationToken)
    {
        using var activity = ReliablyRxDiagnostics.ActivitySource.StartActivity("publish", ActivityKind.Producer);
        activity?.SetTag("channel", Name);
        activity?.SetTag("messages", count);
        var started = _loop.Scheduler.Now;
        try
        {
            var result = await _loop.SendAsync(message, null, started, size).WaitAsync(cancellationToken).ConfigureAwait(false);
            ReliablyRxDiagnostics.MessagesPublished.Add(count, _tag);
            Record(started, "ack");
            return result;
        }
        catch (AblyException ex)
        {
            Record(started, "nack");
            activity?.SetStatus(ActivityStatusCode.Error, ex.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            throw;
        }
    }

    private void Record(DateTimeOffset started, string outcome) =>
        ReliablyRxDiagnostics.PublishDuration.Record(
            (_loop.Scheduler.Now - started).TotalMilliseconds,
            _tag,
            new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>RTL6g: a message may carry only this client's identity; <c>*</c> is never a message's clientId.</summary>
    private void CheckClientIds(IReadOnlyList<Message> messages)
    {
        var own = _loop.Auth.ClientId;
        foreach (var message in messages)
        {
            if (message is null)
            {
                throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A message must not be null.");
            }

            if (message.ClientId == "*")
            {
                throw new AblyException(ErrorCodes.InvalidClientId, 400, "A message's clientId must not be the wildcard '*' (RTL6g).");
            }

            if (message.ClientId is not null && own is not null && own != "*" && message.ClientId != own)
            {
                throw new AblyException(ErrorCodes.InvalidClientId, 400,
                    $"The message's clientId '{message.ClientId}' does not match this client's clientId '{own}' (RTL6g3).");
            }
        }
    }

    /// <summary>TO3l8: refuse before sending what the server would reject; returns the size for the loop's own check.</summary>
    private long CheckSize(IReadOnlyList<Message> encoded)
    {
        var total = MessageSize.Of(encoded);
        var max = _loop.Snapshot.Details?.MaxMessageSize ?? ConnectionLoop.DefaultMaxMessageSize;
        if (total > max)
        {
            throw new AblyException(MessageSize.TooLarge(total, max));
        }

        return total;
    }
}
