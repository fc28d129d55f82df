using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Rest;

namespace Reliably.Rx;

/// <summary>Updates, deletes and appends over the connection (RTL32); a message and its versions through REST (RTL28, RTL31).</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>
    /// Replaces a published message's fields with the non-null <see cref="Message.Name"/>, <see cref="Message.Data"/>
    /// and <see cref="Message.Extras"/> of <paramref name="message"/>, sent as a MESSAGE on the connection (RTL32). The
    /// message is not changed (RTL32c). Like a publish it does not attach the channel, and is queued while connecting.
    /// </summary>
    /// <param name="message">The message to update: its <see cref="Message.Serial"/> names it, for example one received.</param>
    /// <param name="operation">Who changed it and why; the new version carries it (RTL32b2).</param>
    /// <param name="parameters">Publish parameters, sent in the ProtocolMessage's params (RTL32e).</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement; the change itself is not withdrawn.</param>
    /// <returns>The serial of the new version, from the ACK (RTL32d).</returns>
    /// <exception cref="AblyException">
    /// Reported through the task: 40003 when the message is null or has no serial; 40009 when too large; 90001 on a
    /// SUSPENDED or FAILED channel; the NACK's error (93002 when the namespace does not allow changes, 40160/40166
    /// without the capability).
    /// </exception>
    public Task<UpdateDeleteResult> UpdateMessageAsync(Message message, MessageOperation? operation = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(message, MessageAction.Update, operation, parameters, cancellationToken);

    /// <summary>
    /// Marks a published message deleted (RTL32); it stays in history and its versions. Non-null fields of
    /// <paramref name="message"/> replace the message's, so a delete keeps the data unless it sets it.
    /// </summary>
    /// <param name="message">The message to delete, named by its <see cref="Message.Serial"/>.</param>
    /// <param name="operation">Who deleted it and why.</param>
    /// <param name="parameters">Publish parameters, sent in the ProtocolMessage's params.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement.</param>
    /// <returns>The serial of the new version.</returns>
    /// <exception cref="AblyException">As <see cref="UpdateMessageAsync"/>, with the message-delete capability.</exception>
    public Task<UpdateDeleteResult> DeleteMessageAsync(Message message, MessageOperation? operation = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(message, MessageAction.Delete, operation, parameters, cancellationToken);

    /// <summary>
    /// Appends <see cref="Message.Data"/> to a published message's data (RTL32): a string to a string, bytes to bytes.
    /// Subscribers receive the fragment as a <see cref="MessageAction.Append"/>; reads show the whole message.
    /// </summary>
    /// <param name="message">The fragment, with the <see cref="Message.Serial"/> of the message to append to.</param>
    /// <param name="operation">Who appended and why.</param>
    /// <param name="parameters">Publish parameters, sent in the ProtocolMessage's params.</param>
    /// <param name="cancellationToken">Stops waiting for the acknowledgement.</param>
    /// <returns>The serial of the new version.</returns>
    /// <exception cref="AblyException">As <see cref="UpdateMessageAsync"/>; 40013 when the data cannot be appended.</exception>
    public Task<UpdateDeleteResult> AppendMessageAsync(Message message, MessageOperation? operation = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(message, MessageAction.Append, operation, parameters, cancellationToken);

    /// <summary>The latest version of one message (RTL28, as RSL11), through the client's REST side, decoded with this channel's cipher.</summary>
    /// <param name="serial">The message serial.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial; 40400 when there is no such message; the server's error otherwise.</exception>
    public Task<Message> GetMessageAsync(string serial, CancellationToken cancellationToken = default) =>
        Reported.Run(() =>
        {
            ThrowIfUnusable();
            return MessageChanges.GetAsync(_client.Rest, RestPath, Options.Cipher, serial, cancellationToken);
        });

    /// <summary>The latest version of a message received earlier (RTL28, RSL11a1), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 when the message is null or has no serial; otherwise as <see cref="GetMessageAsync(string, CancellationToken)"/>.</exception>
    public Task<Message> GetMessageAsync(Message message, CancellationToken cancellationToken = default) =>
        GetMessageAsync(message?.Serial!, cancellationToken);

    /// <summary>Every version of one message, oldest first (RTL31, as RSL14), through the client's REST side.</summary>
    /// <param name="serial">The message serial.</param>
    /// <param name="parameters">Query parameters sent as they are (for example <c>direction</c>, <c>limit</c>).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial; 40400 when there is no such message; the server's error otherwise.</exception>
    public Task<PaginatedResult<Message>> GetMessageVersionsAsync(string serial, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() =>
        {
            ThrowIfUnusable();
            return MessageChanges.VersionsAsync(_client.Rest, RestPath, Options.Cipher, serial, parameters, cancellationToken);
        });

    /// <summary>Every version of a message received earlier (RTL31, RSL14a1), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="parameters">Query parameters sent as they are.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As <see cref="GetMessageVersionsAsync(string, IReadOnlyDictionary{string, string}?, CancellationToken)"/>.</exception>
    public Task<PaginatedResult<Message>> GetMessageVersionsAsync(Message message, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        GetMessageVersionsAsync(message?.Serial!, parameters, cancellationToken);

    private string RestPath => "/channels/" + Uri.EscapeDataString(Name);

    private Task<UpdateDeleteResult> ChangeAsync(Message message, MessageAction action, MessageOperation? operation, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        try
        {
            ThrowIfUnusable();
            var change = MessageChanges.Build(message, action, operation);
            var encoded = new[] { MessageEncoder.Encode(change, Options.Cipher, Format) };
            var size = CheckPublishable(encoded);

            // RTL32b: one message; no idempotent id is added (a change is identified by the serial it names).
            var pm = new ProtocolMessage(ProtocolAction.Message, Name) { Messages = encoded, Params = parameters is { Count: > 0 } ? new Dictionary<string, string>(parameters) : null };
            var outcome = new ChangeOutcome();
            var sent = _loop.SendAsync(pm, outcome, _loop.Scheduler.Now, size);

            // The outcome completes the result; the loop's own task only needs its failure observed.
            _ = sent.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return cancellationToken.CanBeCanceled ? outcome.Completion.Task.WaitAsync(cancellationToken) : outcome.Completion.Task;
        }
        catch (AblyException ex)
        {
            return Task.FromException<UpdateDeleteResult>(ex);
        }
    }

    /// <summary>
    /// RTL32d: completes with the first serial of the ACK's res entry, or the NACK's error. It completes on the loop, as
    /// the outcome arrives, so a caller driving virtual time sees the result without a thread-pool hop.
    /// </summary>
    private sealed class ChangeOutcome : IPublishOutcome
    {
        public TaskCompletionSource<UpdateDeleteResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void OnPublishOutcome(PendingMessage pending, ErrorInfo? error)
        {
            if (error is not null)
            {
                Completion.TrySetException(new AblyException(error));
                return;
            }

            var serials = pending.AckResult?.Serials;
            Completion.TrySetResult(new UpdateDeleteResult { VersionSerial = serials is { Count: > 0 } ? serials[0] : null });
        }
    }
}
