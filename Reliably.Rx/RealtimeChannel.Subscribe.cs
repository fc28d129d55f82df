using Reliably.Rx.Channels;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>Message streams (RTL7, RTL17, TM2a/c/f, RSL6b).</summary>
public sealed partial class RealtimeChannel
{
    private readonly ChannelStreams _streams;

    /// <summary>
    /// Every event of the channel in one sequence, in the order the client saw it: messages, presence events, state
    /// changes and discontinuities (<see cref="ChannelNotification"/>, a closed set of kinds). For services that need a
    /// single order: a discontinuity arrives after the last message delivered before the gap and before the first after
    /// it, a state change between the messages that came before and after it.
    /// </summary>
    /// <remarks>
    /// <para>Hot and shared, owned by the channel. A new subscriber first receives the current state (a
    /// <see cref="StateChangeNotification"/> whose change's <c>Current</c> is the current state, sequence 0 before any
    /// change), then every later event. Subscribing attaches the channel when
    /// <see cref="ChannelOptions.AttachOnSubscribe"/> is true (RTL7g); unsubscribing never detaches.</para>
    /// <para>The per-kind streams (<see cref="Messages()"/>, <see cref="StateChanges"/>, <see cref="Discontinuities"/>,
    /// <see cref="RealtimePresence.Events"/>) are subscriptions to this same sequence that take one kind, so each keeps
    /// its order and its <see cref="ChannelNotification.Sequence"/> numbers; separate subscriptions are delivered
    /// independently (a slow one delays only itself), so read this stream when one order across kinds matters.</para>
    /// <para>Each subscription has its own queue, drained on the delivery scheduler, never on the connection loop or
    /// inside a library lock; unbounded and lossless by default, with a capacity, an overflow policy and a slow-consumer
    /// threshold on request (<see cref="IDeliveryStream{T}.Subscribe(IObserver{T}, DeliveryOptions)"/>), and its lag on
    /// the returned <see cref="DeliverySubscription"/>. A subscriber that throws is reported on
    /// <see cref="SubscriberErrors"/> and keeps receiving. Completes (never errors, unless a bounded subscription fails
    /// by its own <see cref="OverflowPolicy.Fail"/>) when the channel is released or the client is disposed.</para>
    /// </remarks>
    public IDeliveryStream<ChannelNotification> Events() => _streams.Events;

    /// <summary>
    /// The channel's messages (RTL7): the messages of <see cref="Events"/>, every message received while the channel is
    /// ATTACHED (RTL17), decoded and decrypted with the channel's cipher, with <see cref="Message.Id"/>,
    /// <see cref="Message.ConnectionId"/> and <see cref="Message.Timestamp"/> filled from their ProtocolMessage when
    /// absent (TM2a, TM2c, TM2f).
    /// </summary>
    /// <remarks>
    /// <para>Hot and shared, owned by the channel. Subscribing attaches the channel when
    /// <see cref="ChannelOptions.AttachOnSubscribe"/> is true (RTL7g); unsubscribing never detaches. A new subscriber
    /// receives the messages delivered after its subscription took effect, in channel order; nothing is replayed (use
    /// <see cref="HistoryAsync"/>).</para>
    /// <para>Each subscription has its own queue, drained on the delivery scheduler
    /// (<see cref="ClientOptions.DeliveryScheduler"/>), so a slow subscriber delays only itself and never the connection
    /// or other subscribers; notifications to one subscriber never overlap and never run on the connection loop or inside
    /// a library lock. Unbounded and lossless by default; see <see cref="Events"/> for capacities and lag. Messages are
    /// immutable and one instance per message is shared by every subscriber.</para>
    /// <para>A message whose payload cannot be decoded is still delivered, with the remaining steps in
    /// <see cref="Message.Encoding"/>, and a 40013 <see cref="AblyException"/> is reported on
    /// <see cref="SubscriberErrors"/> (RSL6b). A subscriber that throws is reported there too and keeps receiving (a
    /// subscriber behind Rx operators of its own is unsubscribed by Rx's safeguard instead, and still reported).
    /// Losses of continuity are reported on <see cref="Discontinuities"/>. Completes (never errors) when the channel is
    /// released or the client is disposed.</para>
    /// </remarks>
    public IDeliveryStream<Message> Messages() => _streams.Messages;

    /// <summary>The messages called <paramref name="name"/> (RTL7b); otherwise as <see cref="Messages()"/>.</summary>
    /// <exception cref="AblyException">40003 for a null name.</exception>
    public IDeliveryStream<Message> Messages(string name)
    {
        if (name is null)
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message name must not be null.");
        }

        return _streams.Named(name);
    }

    /// <summary>
    /// The messages' data as <typeparamref name="T"/> (via <see cref="MessageData.As{T}"/>), never null; otherwise as
    /// <see cref="Messages()"/>. A message whose data is null or cannot be read as <typeparamref name="T"/> is handled
    /// as <paramref name="onFailure"/> says: skipped and reported on <see cref="SubscriberErrors"/> as a 40013
    /// <see cref="AblyException"/> (the default), or the end of the subscription with that error. The conversion runs on
    /// the delivery thread.
    /// </summary>
    public IDeliveryStream<T> Messages<T>(ConversionFailure onFailure = ConversionFailure.SkipAndReport)
        where T : notnull => Typed<T>(null, onFailure);

    /// <summary>The data of the messages called <paramref name="name"/> as <typeparamref name="T"/>; see <see cref="Messages{T}(ConversionFailure)"/>.</summary>
    /// <exception cref="AblyException">40003 for a null name.</exception>
    public IDeliveryStream<T> Messages<T>(string name, ConversionFailure onFailure = ConversionFailure.SkipAndReport)
        where T : notnull =>
        Typed<T>(name ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "The message name must not be null."), onFailure);

    /// <summary>
    /// The channel's messages as an async enumerable, unbounded and lossless: <see cref="ReadAllAsync(DeliveryOptions, CancellationToken)"/>
    /// with <see cref="DeliveryOptions.Default"/>.
    /// </summary>
    /// <exception cref="AblyException">90001 after release; 80017 after the client is disposed.</exception>
    public IAsyncEnumerable<Message> ReadAllAsync(CancellationToken cancellationToken = default) =>
        ReadAllAsync(DeliveryOptions.Default, cancellationToken);

    /// <summary>
    /// The channel's messages (<see cref="Messages()"/>) as an async enumerable that pulls: messages the consumer has not
    /// reached wait in the subscription's own queue, where <paramref name="options"/> apply (capacity and overflow
    /// policy; see <see cref="DeliveryStreamExtensions.ReadAllAsync{T}"/>). Subscribes (and attaches, RTL7g) when
    /// enumeration starts; ends when the channel is released or the client is disposed, or stops with
    /// <paramref name="cancellationToken"/>.
    /// </summary>
    /// <exception cref="AblyException">90001 after release; 80017 after the client is disposed; 40003 for null or invalid options.</exception>
    public IAsyncEnumerable<Message> ReadAllAsync(DeliveryOptions options, CancellationToken cancellationToken = default)
    {
        ThrowIfUnusable();
        return _streams.Messages.ReadAllAsync(options, cancellationToken);
    }

    /// <summary>Errors in delivering this channel's messages and events.</summary>
    /// <remarks>
    /// Hot; reports exceptions thrown by subscribers of this channel's streams, 40013 payload decode failures (RSL6b)
    /// and typed conversion failures of <see cref="Messages{T}(ConversionFailure)"/>. Nothing is replayed to a new subscriber. Same
    /// buffering and threading as <see cref="Messages()"/>; a subscriber of this stream that throws is only logged.
    /// Completes when the channel is released or the client is disposed.
    /// </remarks>
    public IObservable<Exception> SubscriberErrors => _streams.SubscriberErrors;

    private IDeliveryStream<T> Typed<T>(string? name, ConversionFailure onFailure)
        where T : notnull
    {
        if (!Enum.IsDefined(onFailure))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "Unknown conversion failure policy.");
        }

        return _streams.Typed<T>(name, onFailure);
    }

    /// <summary>RTL7g: subscribing attaches implicitly; unsubscribing never detaches (RTL8).</summary>
    private void AttachOnSubscribe()
    {
        if (Options.AttachOnSubscribe && !_released && !_client.IsDisposed)
        {
            AttachInBackground();
        }
    }

    /// <summary>The feed presence publishes its events into (on the loop), so they share the channel's order.</summary>
    internal ChannelFeed Feed => _streams.Feed;

    // Loop-only: the base payload and message id that deltas apply to (RTL19, RTL20).
    private readonly DeltaBase _delta;

    /// <summary>
    /// A MESSAGE frame (on the loop): RTL17, RTL15b, then every message decoded in order (RTL21) before any is
    /// delivered, so that a delta that cannot be applied discards the whole frame (RTL18b) and the re-attach from the
    /// previous frame's channelSerial (RTL18c) gets it again: nothing lost, nothing twice. Then deliver or hold for backfill.
    /// </summary>
    private void OnMessageFrame(ProtocolMessage frame)
    {
        var messages = frame.Messages;
        if (_status.State != ChannelState.Attached)
        {
            // RTL17. Its channelSerial is not stored: a re-attach must resume from before a message we dropped.
            ChannelLog.MessagesDropped(_logger, Name, messages?.Length ?? 0, _status.State);
            return;
        }

        if (messages is null)
        {
            _position.Store(frame);
            return;
        }

        var options = Options;
        var cipher = options.Cipher;
        var saved = _delta.Save();
        for (var i = 0; i < messages.Length; i++)
        {
            var message = messages[i];
            if (message is null)
            {
                continue;
            }

            // TM2a, TM2c, TM2f: completed before anyone can see the message; it never changes after delivery.
            message.FillFromProtocolMessage(frame.Id, i, frame.ConnectionId, frame.Timestamp);
            switch (MessageEncoder.DecodeInPlace(message, cipher, _delta))
            {
                case null:
                    break;
                case { Code: ErrorCodes.DeltaDecodeFailed } failed:
                    _delta.Restore(saved);
                    RecoverFromDeltaFailure(failed);
                    return;
                case { Code: ErrorCodes.MissingPlugin } missing:
                    _delta.Restore(saved);
                    _attachment.Fail(missing);
                    return;
                case { } error:
                    // RSL6b: delivered with the residual encoding, and reported.
                    ChannelLog.DecodeFailed(_logger, Name, error.Code);
                    _streams.ReportError(new AblyException(error));
                    break;
            }
        }

        // RTL15b: the position moves only once the whole frame is decoded; a discarded frame leaves it where it was, so
        // the re-attach resumes from the previous frame (RTL18c).
        _position.Store(frame);
        _delta.Commit();
        foreach (var message in messages)
        {
            if (message is not null)
            {
                _backfiller.Deliver(message, options.AutoBackfill);
            }
        }
    }

    /// <summary>
    /// RTL18: log 40018 (RTL18a), the frame is already discarded (RTL18b), and re-attach from the channelSerial before
    /// it with the error as the reason (RTL18c). While ATTACHING, later frames are dropped (RTL17), so one recovery
    /// runs at a time.
    /// </summary>
    private void RecoverFromDeltaFailure(ErrorInfo error)
    {
        ChannelLog.DeltaDecodeFailed(_logger, Name, error.Message);
        _attachment.StartAttach(error);
    }
}
