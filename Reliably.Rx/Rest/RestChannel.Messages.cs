using Reliably.Rx.Http;
using Reliably.Rx.PayloadEncoding;

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
    public async Task<Message> GetMessageAsync(string serial, CancellationToken cancellationToken = default)
    {
        _rest.ThrowIfDisposed();
        if (string.IsNullOrEmpty(serial))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A message serial is required (RSL11).");
        }

        var request = new RestRequest(HttpMethod.Get, BasePath + "/messages/" + Uri.EscapeDataString(serial)) { Format = _rest.Format };
        var response = await _rest.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var messages = _rest.Pipeline.Codecs.ForResponse(response, _rest.Format).ReadMessages(response.Body);
        if (messages.Length != 1)
        {
            throw new AblyException(ErrorCodes.InternalError, 500, "The server did not answer with exactly one message.");
        }

        MessageEncoder.DecodeInPlace(messages[0], Options.Cipher);
        return messages[0];
    }
}
