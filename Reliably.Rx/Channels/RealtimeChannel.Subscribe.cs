using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Reliably.Rx.Channels;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>Message streams (RTL7, RTL17, TM2a/c/f, RSL6b).</summary>
public sealed partial class RealtimeChannel
{
    private readonly LosslessBroadcast<Message> _messages;
    private readonly LosslessBroadcast<Exception> _errors;
    private readonly IObservable<Message> _messageView;

    /// <summary>
    /// The channel's messages (RTL7): every message received while the channel is ATTACHED (RTL17), decoded and
    /// decrypted with the channel's cipher, with <see cref="Message.Id"/>, <see cref="Message.ConnectionId"/> and
    /// <see cref="Message.Timestamp"/> filled from their ProtocolMessage when absent (TM2a, TM2c, TM2f).
    /// </summary>
    /// <remarks>
    /// <para>Hot and shared, owned by the channel. Subscribing attaches the channel when
    /// <see cref="ChannelOptions.AttachOnSubscribe"/> is true (RTL7g); unsubscribing never detaches. A new subscriber
    /// receives the messages delivered after its subscription took effect, in channel order; nothing is replayed (use
    /// <see cref="HistoryAsync"/>).</para>
    /// <para>Lossless: each subscriber has its own unbounded FIFO buffer drained on the delivery scheduler
    /// (<see cref="ClientOptions.DeliveryScheduler"/>), so a slow subscriber delays only itself and never the connection
    /// or other subscribers; its buffer depth is recorded in the <c>reliably_rx.subscriber.buffer_depth</c> metric.
    /// Notifications to one subscriber never overlap and never run on the connection loop. Subscribers share the same
    /// <see cref="Message"/> instances: treat them as read-only.</para>
    /// <para>A message whose payload cannot be decoded is still delivered, with the remaining steps in
    /// <see cref="Message.Encoding"/>, and a 40013 <see cref="AblyException"/> is reported on
    /// <see cref="SubscriberErrors"/> (RSL6b). A subscriber that throws is reported there too and keeps receiving (a
    /// subscriber behind Rx operators of its own is unsubscribed by Rx's safeguard instead, and still reported).
    /// Losses of continuity are reported on <see cref="Discontinuities"/>. Completes (never errors) when the channel is
    /// released or the client is disposed.</para>
    /// </remarks>
    public IObservable<Message> Messages() => _messageView;

    /// <summary>The messages called <paramref name="name"/> (RTL7b); otherwise as <see cref="Messages()"/>.</summary>
    /// <exception cref="AblyException">40003 for a null name.</exception>
    public IObservable<Message> Messages(string name)
    {
        if (name is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message name must not be null.");
        }

        return new RawObservable<Message>(observer => _messageView.Subscribe(new FilterObserver<Message>(observer, m => m.Name == name)));
    }

    /// <summary>
    /// The messages' data as <typeparamref name="T"/> (via <see cref="MessageData.As{T}"/>); otherwise as
    /// <see cref="Messages()"/>. Data that cannot be converted is skipped and a 40013 <see cref="AblyException"/> is
    /// reported on <see cref="SubscriberErrors"/>; the stream never errors because of it.
    /// </summary>
    public IObservable<T?> Messages<T>() => Typed<T>(_messageView);

    /// <summary>The data of the messages called <paramref name="name"/> as <typeparamref name="T"/>; see <see cref="Messages{T}()"/>.</summary>
    /// <exception cref="AblyException">40003 for a null name.</exception>
    public IObservable<T?> Messages<T>(string name) => Typed<T>(Messages(name));

    /// <summary>
    /// The channel's messages as an async enumerable: <see cref="Messages()"/> bridged through an unbounded
    /// <see cref="System.Threading.Channels.Channel{T}"/>, so nothing is lost while the consumer is busy (and the buffer
    /// grows without limit if it never catches up). Subscribes (and attaches, RTL7g) when enumeration starts; ends when
    /// the channel is released or the client is disposed, or stops with <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="AblyException">90001 after release; 80017 after the client is disposed.</exception>
    public IAsyncEnumerable<Message> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        return Read(cancellationToken);

        async IAsyncEnumerable<Message> Read([EnumeratorCancellation] CancellationToken token)
        {
            var buffer = Channel.CreateUnbounded<Message>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            using var subscription = _messageView.Subscribe(
                m => buffer.Writer.TryWrite(m),
                ex => buffer.Writer.TryComplete(ex),
                () => buffer.Writer.TryComplete());
            await foreach (var message in buffer.Reader.ReadAllAsync(token).WithCancellation(token).ConfigureAwait(false))
            {
                yield return message;
            }
        }
    }

    /// <summary>Errors in delivering this channel's messages and events.</summary>
    /// <remarks>
    /// Hot; reports exceptions thrown by subscribers of this channel's streams, 40013 payload decode failures (RSL6b)
    /// and typed conversion failures of <see cref="Messages{T}()"/>. Nothing is replayed to a new subscriber. Same
    /// buffering and threading as <see cref="Messages()"/>; a subscriber of this stream that throws is only logged.
    /// Completes when the channel is released or the client is disposed.
    /// </remarks>
    public IObservable<Exception> SubscriberErrors { get; }

    private IObservable<T?> Typed<T>(IObservable<Message> source) => new RawObservable<T?>(observer =>
        source.Subscribe(new ConvertObserver<Message, T?>(observer, m => MessageData.As<T>(m.Data), ex => _errors.Publish(ex))));

    /// <summary>A MESSAGE frame (on the loop): RTL17, RTL15b, decode and fill, then deliver or hold for backfill.</summary>
    private void OnMessageFrame(ProtocolMessage frame)
    {
        var messages = frame.Messages;
        if (_state != ChannelState.Attached)
        {
            // RTL17. Its channelSerial is not stored: a re-attach must resume from before a message we dropped.
            ChannelLog.MessagesDropped(_logger, Name, messages?.Length ?? 0, _state);
            return;
        }

        StoreChannelSerial(frame);
        if (messages is null)
        {
            return;
        }

        var cipher = Options.Cipher;
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            if (message is null)
            {
                continue;
            }

            // TM2a, TM2c, TM2f.
            if (message.Id is null && frame.Id is not null)
            {
                message.Id = frame.Id + ":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            message.ConnectionId ??= frame.ConnectionId;
            if (message.Timestamp is null && frame.Timestamp is { } ms)
            {
                message.Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }

            if (MessageEncoder.DecodeInPlace(message, cipher) is { } error)
            {
                // RSL6b: delivered with the residual encoding, and reported.
                ChannelLog.DecodeFailed(_logger, Name, error.Code);
                _errors.Publish(new AblyException(error));
            }

            Deliver(message);
        }
    }
}
