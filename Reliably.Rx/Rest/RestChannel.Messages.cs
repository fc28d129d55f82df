using Reliably.Rx.Rest;

namespace Reliably.Rx;

public sealed partial class RestChannel
{
    /// <summary>
    /// The latest version of one message, by its serial (RSL11), decoded and decrypted like history (a message that
    /// cannot be decoded keeps the remaining steps in <see cref="Message.Encoding"/>).
    /// </summary>
    /// <param name="serial">The message serial, for example from <see cref="RestPublishResult.Serials"/>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial; 40400 when there is no such message; the server's error otherwise.</exception>
    public Task<Message> GetMessageAsync(string serial, CancellationToken cancellationToken = default) =>
        Reported.Run(() => MessageChanges.GetAsync(_rest, BasePath, Options.Cipher, serial, cancellationToken));

    /// <summary>The latest version of a message received or read earlier (RSL11a1), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 when the message is null or has no serial; otherwise as <see cref="GetMessageAsync(string, CancellationToken)"/>.</exception>
    public Task<Message> GetMessageAsync(Message message, CancellationToken cancellationToken = default) =>
        GetMessageAsync(message?.Serial!, cancellationToken);

    /// <summary>
    /// Every version of one message (RSL14): the original create and each update, delete and append, oldest first
    /// unless <paramref name="parameters"/> ask otherwise (for example <c>direction</c>, <c>limit</c>).
    /// </summary>
    /// <param name="serial">The message serial.</param>
    /// <param name="parameters">Query parameters sent as they are (RSL14a).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial; 40400 when there is no such message; the server's error otherwise.</exception>
    public Task<PaginatedResult<Message>> GetMessageVersionsAsync(string serial, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => MessageChanges.VersionsAsync(_rest, BasePath, Options.Cipher, serial, parameters, cancellationToken));

    /// <summary>Every version of a message received or read earlier (RSL14a1), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="parameters">Query parameters sent as they are.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As <see cref="GetMessageVersionsAsync(string, IReadOnlyDictionary{string, string}?, CancellationToken)"/>.</exception>
    public Task<PaginatedResult<Message>> GetMessageVersionsAsync(Message message, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        GetMessageVersionsAsync(message?.Serial!, parameters, cancellationToken);
}
