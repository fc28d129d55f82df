using Reliably.Rx.Rest;

namespace Reliably.Rx;

/// <summary>Updates, deletes and appends (RSL15).</summary>
public sealed partial class RestChannel
{
    /// <summary>
    /// Replaces a published message's fields with the non-null <see cref="Message.Name"/>, <see cref="Message.Data"/>
    /// and <see cref="Message.Extras"/> of <paramref name="message"/> (RSL15). The message is not changed (RSL15c).
    /// </summary>
    /// <param name="message">The message to update: its <see cref="Message.Serial"/> names it, for example one received or read.</param>
    /// <param name="operation">Who changed it and why; the new version carries it (RSL15b7).</param>
    /// <param name="parameters">Publish parameters, sent in the query (RSL15f).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The serial of the new version (RSL15e).</returns>
    /// <exception cref="AblyException">
    /// 40003 when the message is null or has no serial; 40009 when too large; 93002 when the channel's namespace does
    /// not allow updates; 40160 or 40166 without the message-update capability; the server's error otherwise.
    /// </exception>
    public Task<UpdateDeleteResult> UpdateMessageAsync(Message message, MessageOperation? operation = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(message, MessageAction.Update, operation, parameters, cancellationToken);

    /// <summary>
    /// Marks a published message deleted (RSL15); it stays in history and its versions. Non-null fields of
    /// <paramref name="message"/> replace the message's, so a delete keeps the data unless it sets it.
    /// </summary>
    /// <param name="message">The message to delete, named by its <see cref="Message.Serial"/>.</param>
    /// <param name="operation">Who deleted it and why.</param>
    /// <param name="parameters">Publish parameters, sent in the query.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The serial of the new version.</returns>
    /// <exception cref="AblyException">As <see cref="UpdateMessageAsync"/>, with the message-delete capability.</exception>
    public Task<UpdateDeleteResult> DeleteMessageAsync(Message message, MessageOperation? operation = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(message, MessageAction.Delete, operation, parameters, cancellationToken);

    /// <summary>
    /// Appends <see cref="Message.Data"/> to a published message's data (RSL15): a string to a string, bytes to bytes.
    /// Subscribers receive the fragment as a <see cref="MessageAction.Append"/>; reads show the whole message.
    /// </summary>
    /// <param name="message">The fragment, with the <see cref="Message.Serial"/> of the message to append to.</param>
    /// <param name="operation">Who appended and why.</param>
    /// <param name="parameters">Publish parameters, sent in the query.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The serial of the new version.</returns>
    /// <exception cref="AblyException">As <see cref="UpdateMessageAsync"/>; 40013 when the data cannot be appended.</exception>
    public Task<UpdateDeleteResult> AppendMessageAsync(Message message, MessageOperation? operation = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(message, MessageAction.Append, operation, parameters, cancellationToken);

    private Task<UpdateDeleteResult> ChangeAsync(Message message, MessageAction action, MessageOperation? operation, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken) =>
        Reported.Run(() =>
        {
            // A disposed client answers 80017 before it looks at the arguments, as every other call does.
            _rest.ThrowIfDisposed();
            return MessageChanges.SendAsync(_rest, BasePath, Options.Cipher, MessageChanges.Build(message, action, operation), parameters, cancellationToken);
        });
}
