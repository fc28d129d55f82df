using System.Buffers;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Serialization;

/// <summary>
/// What both codecs share: the REST-only bodies (tokens, stats, channel details, error bodies) are rare and small, so
/// they go through a JSON tree (<see cref="ReadTree"/>/<see cref="WriteTree"/>) and one mapping
/// (<see cref="TreeModels"/>). The realtime hot path (ProtocolMessage, Message, PresenceMessage) is hand-written per
/// format in the derived classes.
/// </summary>
internal abstract class ProtocolCodecBase : IProtocolCodec
{
    public abstract WireFormat Format { get; }

    public abstract string ContentType { get; }

    public abstract bool IsBinary { get; }

    public abstract void WriteProtocolMessage(ProtocolMessage message, IBufferWriter<byte> output);

    public ProtocolMessage ReadProtocolMessage(ReadOnlyMemory<byte> frame) => ReadProtocolMessage(frame, null);

    public ProtocolMessage ReadProtocolMessage(ReadOnlyMemory<byte> frame, IKnownNames? channels)
    {
        var previous = ChannelNames.Enter(channels);
        try
        {
            return ReadProtocolMessageCore(frame);
        }
        finally
        {
            ChannelNames.Leave(previous);
        }
    }

    /// <summary>Reads one ProtocolMessage; its channel field goes through <see cref="ChannelNames"/>.</summary>
    protected abstract ProtocolMessage ReadProtocolMessageCore(ReadOnlyMemory<byte> frame);

    public abstract void WriteMessages(IReadOnlyList<Message> messages, IBufferWriter<byte> output);

    public abstract void WriteMessage(Message message, IBufferWriter<byte> output);

    public abstract Message[] ReadMessages(ReadOnlyMemory<byte> body);

    public abstract void WritePresenceMessages(IReadOnlyList<PresenceMessage> messages, IBufferWriter<byte> output);

    public abstract PresenceMessage[] ReadPresenceMessages(ReadOnlyMemory<byte> body);

    public abstract void WriteAnnotations(IReadOnlyList<Annotation> annotations, IBufferWriter<byte> output);

    public abstract Annotation[] ReadAnnotations(ReadOnlyMemory<byte> body);

    public abstract JToken ReadTree(ReadOnlyMemory<byte> body);

    public abstract void WriteTree(JToken tree, IBufferWriter<byte> output);

    public void WriteTokenRequest(TokenRequest request, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(request);
        WriteTree(TreeModels.ToTree(request), output);
    }

    public TokenRequest ReadTokenRequest(ReadOnlyMemory<byte> body) => Mapped(body, TreeModels.ReadTokenRequest, "token request");

    public void WriteTokenParams(TokenParams tokenParams, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(tokenParams);
        WriteTree(TreeModels.ToTree(tokenParams), output);
    }

    public TokenDetails ReadTokenDetails(ReadOnlyMemory<byte> body) => Mapped(body, TreeModels.ReadTokenDetails, "token details");

    public void WriteTokenDetails(TokenDetails details, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(details);
        WriteTree(TreeModels.ToTree(details), output);
    }

    /// <summary>
    /// Never throws: an empty, unparseable or error-less body gives null, so the REST layer falls back to an error made
    /// from the HTTP status (a proxy's HTML error page must not hide the status).
    /// </summary>
    public ErrorInfo? ReadErrorBody(ReadOnlyMemory<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        try
        {
            return TreeModels.ReadErrorBody(ReadTree(body));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    public Stats[] ReadStats(ReadOnlyMemory<byte> body) => Mapped(body, TreeModels.ReadStatsArray, "stats");

    public ChannelDetails ReadChannelDetails(ReadOnlyMemory<byte> body) => Mapped(body, TreeModels.ReadChannelDetails, "channel details");

    private T Mapped<T>(ReadOnlyMemory<byte> body, Func<JToken, T> map, string what)
    {
        var tree = ReadTree(body);
        try
        {
            return map(tree);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw CodecErrors.Wrap(ex, what);
        }
    }
}
