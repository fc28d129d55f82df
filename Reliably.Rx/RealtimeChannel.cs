using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;
using Reliably.Rx.Serialization;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>
/// A realtime channel (RTL): its state machine, attach and detach, publish, and lossless message streams with
/// discontinuity detection and optional gapless backfill. Get one from <see cref="AblyRealtime.Channels"/>.
/// </summary>
/// <remarks>
/// <para>All state lives on the client's connection loop: commands are marshalled there, frames and connection state
/// changes arrive there, and public properties read published values, so every member is thread-safe and none blocks.
/// User code never runs on the loop: every stream delivers through per-subscriber buffers on the delivery scheduler
/// (<see cref="ClientOptions.DeliveryScheduler"/>).</para>
/// <para>The public surface is split by concern into partial files (<c>.State</c>, <c>.Attach</c>, <c>.Detach</c>,
/// <c>.Inbound</c>, <c>.Publish</c>, <c>.Subscribe</c>, <c>.History</c>, <c>.Backfill</c>, <c>.Presence</c>,
/// <c>.Annotations</c>, <c>.Changes</c>); the state belongs to components the channel owns and drives on the loop:
/// <c>ChannelStateTracker</c> (RTL2), <c>ChannelPosition</c> (RTL15), <c>ChannelAttachment</c> (RTL3, RTL4, RTL5,
/// RTL12, RTL13, RTL14), <c>ChannelBackfiller</c> (RTL15c) and <c>ChannelStreams</c> (RTL7, RTL8).</para>
/// </remarks>
public sealed partial class RealtimeChannel : IChannelSink, IChannelHost
{
    private readonly AblyRealtime _client;
    private readonly ConnectionLoop _loop;
    private readonly ILogger _logger;
    private readonly KeyValuePair<string, object?> _tag;
    private ChannelOptions _options;
    private volatile bool _released;

    internal RealtimeChannel(AblyRealtime client, string name, ChannelOptions options)
    {
        _client = client;
        _loop = client.Loop;
        Name = name;
        _options = options;
        _tag = new KeyValuePair<string, object?>("channel", name);
        _logger = (client.Options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Reliably.Rx.Realtime.Channel");
        _delta = new PayloadEncoding.DeltaBase(client.Options.VcdiffDecoder);

        _streams = new ChannelStreams(_loop, name, _logger, _tag, RepairGap, AttachOnSubscribe);

        // RTN16j: a recovered connection's channel serial is used on the first attach.
        _position = new ChannelPosition(_loop.Channels.RecoveredChannelSerials.TryGetValue(name, out var recovered) ? recovered : null);
        _backfiller = new ChannelBackfiller(_loop, _streams.Feed, _position, name, _logger, _tag, FetchHistoryAsync);

        _status = new ChannelStateTracker(name, _logger, _streams.Feed, _position, _backfiller);
        _attachment = new ChannelAttachment(_loop, name, this, _status, _position, _backfiller);

        // Created with the channel so that no SYNC or PRESENCE frame is missed before the first use (RTP1, RTP18).
        _presence = new RealtimePresence(this);
        _status.PresenceHandler = _presence;
    }

    /// <summary>The channel name.</summary>
    public string Name { get; }

    /// <summary>The channel's options (TB2). Change them with <see cref="SetOptionsAsync"/> or <c>Channels.Get(name, options)</c>.</summary>
    public ChannelOptions Options => Volatile.Read(ref _options);

    /// <summary>The client this channel belongs to.</summary>
    public AblyRealtime Client => _client;

    /// <summary>Where this channel's streams deliver: <see cref="ClientOptions.DeliveryScheduler"/> or its default.</summary>
    internal IScheduler DeliveryScheduler => _loop.DeliveryScheduler;

    internal WireFormat Format => _client.Options.UseBinaryProtocol ? WireFormat.MsgPack : WireFormat.Json;

    internal bool IsReleased => _released;

    /// <inheritdoc />
    bool IChannelHost.IsReleased => _released;

    /// <summary>
    /// Replaces the channel's options (RTL16). When the channel is attached or attaching and the params or modes
    /// change, it re-attaches with them (RTL16a) and the task completes on the new ATTACHED; otherwise at once.
    /// </summary>
    /// <exception cref="AblyException">40003 for null options; 90001 after release; the attach error on a failed re-attach.</exception>
    public Task SetOptionsAsync(ChannelOptions options, CancellationToken cancellationToken = default)
    {
        // Every failure is reported through the task (docs/delivery-guarantees.md, "Errors").
        if (Unusable() is { } refusal)
        {
            return Task.FromException(refusal);
        }

        if (options is null)
        {
            return Task.FromException(new AblyException(ErrorCodes.InvalidParameterValue, 400, "Channel options must not be null."));
        }

        var previous = Interlocked.Exchange(ref _options, options);
        if (!ChangesAttachment(previous, options))
        {
            return Task.CompletedTask;
        }

        var done = NewWaiter();
        if (!_loop.Execute(() => _attachment.Reattach(done)))
        {
            done.TrySetException(new AblyException(DisposedError()));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>True when <paramref name="options"/> would make <see cref="SetOptionsAsync"/> re-attach now (RTL16a, RTS3c1).</summary>
    internal bool WouldReattachFor(ChannelOptions options) =>
        State is ChannelState.Attached or ChannelState.Attaching && ChangesAttachment(Options, options);

    private static bool ChangesAttachment(ChannelOptions previous, ChannelOptions next) =>
        !SameParams(previous.Params, next.Params) || previous.Modes != next.Modes;

    private void ThrowIfUnusable()
    {
        if (Unusable() is { } refusal)
        {
            throw refusal;
        }
    }

    /// <summary>The error of any operation on a channel of a disposed client (80017) or a released channel (90001), or null.</summary>
    private AblyException? Unusable() =>
        _client.IsDisposed ? new AblyException(DisposedError())
        : _released ? new AblyException(ReleasedError())
        : null;

    private ErrorInfo ReleasedError() => ChannelErrors.Released(Name);

    private static ErrorInfo DisposedError() => ChannelErrors.Disposed();

    private static TaskCompletionSource<bool> NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool SameParams(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        var left = a ?? new Dictionary<string, string>();
        var right = b ?? new Dictionary<string, string>();
        return left.Count == right.Count && left.All(kv => right.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    /// <summary>Release: detached already (or not possible); stop frames, complete every stream. Idempotent.</summary>
    internal void Complete(bool released)
    {
        if (released)
        {
            _released = true;
        }

        _loop.Execute(() =>
        {
            _loop.Channels.Unregister(Name);
            _attachment.Complete(_released ? ReleasedError() : DisposedError());
        });
        CompleteStreams();
    }

    private void CompleteStreams()
    {
        _presence.Complete();
        _streams.Complete();
    }
}
