using Reliably.Rx.Rest;

namespace Reliably.Rx;

/// <summary>
/// The annotations of a channel's messages through REST (RSAN): publish and delete annotations of a message, and read
/// them. Annotations need a channel whose namespace has the <i>message annotations, updates, deletes and appends</i>
/// rule (93002 otherwise) and the <c>annotation-publish</c> capability to publish.
/// </summary>
public sealed class RestAnnotations
{
    private readonly RestChannel _channel;

    internal RestAnnotations(RestChannel channel) => _channel = channel;

    /// <summary>
    /// Publishes an annotation of the message <paramref name="messageSerial"/> (RSAN1): <see cref="Annotation.Type"/> is
    /// required; the action is <see cref="AnnotationAction.Create"/>. The annotation is not changed.
    /// </summary>
    /// <param name="messageSerial">The serial of the message to annotate.</param>
    /// <param name="annotation">The annotation: at least its type, for example <c>reaction:distinct.v1</c>, and usually a name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial or a missing type; the server's error otherwise.</exception>
    public Task PublishAsync(string messageSerial, Annotation annotation, CancellationToken cancellationToken = default) =>
        Reported.Run(() => AnnotationRequests.PublishAsync(_channel.Rest, _channel.BasePath, messageSerial, annotation, AnnotationAction.Create, cancellationToken));

    /// <summary>Publishes an annotation of a message received or read earlier (RSAN1a1), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="annotation">The annotation.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 when the message has no serial; otherwise as <see cref="PublishAsync(string, Annotation, CancellationToken)"/>.</exception>
    public Task PublishAsync(Message message, Annotation annotation, CancellationToken cancellationToken = default) =>
        PublishAsync(message?.Serial!, annotation, cancellationToken);

    /// <summary>
    /// Removes an annotation from the message's summary (RSAN2): as <see cref="PublishAsync(string, Annotation, CancellationToken)"/>
    /// with the action <see cref="AnnotationAction.Delete"/>; what it removes depends on the type (for example a
    /// client's reaction of that name).
    /// </summary>
    /// <param name="messageSerial">The serial of the annotated message.</param>
    /// <param name="annotation">The annotation to remove: its type, and the name for types that count by name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As <see cref="PublishAsync(string, Annotation, CancellationToken)"/>.</exception>
    public Task DeleteAsync(string messageSerial, Annotation annotation, CancellationToken cancellationToken = default) =>
        Reported.Run(() => AnnotationRequests.PublishAsync(_channel.Rest, _channel.BasePath, messageSerial, annotation, AnnotationAction.Delete, cancellationToken));

    /// <summary>Removes an annotation of a message received or read earlier, by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="annotation">The annotation to remove.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As <see cref="DeleteAsync(string, Annotation, CancellationToken)"/>.</exception>
    public Task DeleteAsync(Message message, Annotation annotation, CancellationToken cancellationToken = default) =>
        DeleteAsync(message?.Serial!, annotation, cancellationToken);

    /// <summary>The annotations of a message, one page at a time, oldest first (RSAN3), decoded (TAN3).</summary>
    /// <param name="messageSerial">The serial of the annotated message.</param>
    /// <param name="parameters">Query parameters sent as they are (RSAN3b), for example <c>limit</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">40003 for an empty serial; the server's error otherwise.</exception>
    public Task<PaginatedResult<Annotation>> GetAsync(string messageSerial, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        Reported.Run(() => AnnotationRequests.GetAsync(_channel.Rest, _channel.BasePath, messageSerial, parameters, cancellationToken));

    /// <summary>The annotations of a message received or read earlier (RSAN3a), by its <see cref="Message.Serial"/>.</summary>
    /// <param name="message">A message with a serial.</param>
    /// <param name="parameters">Query parameters sent as they are.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <exception cref="AblyException">As <see cref="GetAsync(string, IReadOnlyDictionary{string, string}?, CancellationToken)"/>.</exception>
    public Task<PaginatedResult<Annotation>> GetAsync(Message message, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default) =>
        GetAsync(message?.Serial!, parameters, cancellationToken);
}
