using System.Reactive.Disposables;
using Reliably.Rx.Channels;
using Reliably.Rx.Rest;
using Reliably.Rx.Streams;

namespace Reliably.Rx;

/// <summary>
/// The presence of one realtime channel (RTP): enter, update and leave, the members present now, and their events.
/// The member set follows the spec's presence map (RTP2), stays correct across SYNCs (RTP18, RTP19) and re-enters this
/// client's own members after a loss of continuity (RTP17), so a client stays present without user code.
/// </summary>
public sealed partial class RealtimePresence : IChannelPresenceHandler
{
    private readonly RealtimeChannel _channel;
    private readonly Presence.PresenceMap _members;
    private readonly Presence.LocalPresenceMap _ownMembers = new();
    private readonly LosslessBroadcast<IReadOnlyList<PresenceMessage>> _memberSets;
    private readonly List<(TaskCompletionSource<IReadOnlyList<PresenceMessage>> Waiter, string? ClientId, string? ConnectionId, bool WaitForSync)> _syncWaiters = new();
    private readonly List<(PresenceMessage Encoded, long Size, TaskCompletionSource Completion)> _queued = new();
    private IReadOnlyList<PresenceMessage> _lastMemberSet = Array.Empty<PresenceMessage>();
    private long _publishedVersion;
    private volatile bool _syncComplete;

    internal RealtimePresence(RealtimeChannel channel)
    {
        _channel = channel;
        _members = new Presence.PresenceMap(() => channel.Scheduler.Now);
        _memberSets = new LosslessBroadcast<IReadOnlyList<PresenceMessage>>(channel.Loop);
        _memberSets.SubscriberFaulted += channel.ReportError;

        // The presence events of the channel's one ordered sequence (RealtimeChannel.Events).
        Events = new DeliveryStream<PresenceMessage>((observer, options) =>
        {
            var subscription = channel.Feed.Subscribe(new ProjectingObserver<PresenceMessage>(observer, static n => ((PresenceNotification)n).Presence), FeedKinds.Presence, null, options);
            AttachOnSubscribe();
            return subscription;
        });

        Members = new RawObservable<IReadOnlyList<PresenceMessage>>(observer =>
        {
            // The snapshot and the subscription are taken together on the loop, so no change is missed or doubled.
            var subscription = new SingleAssignmentDisposable();
            if (!_channel.Execute(() => subscription.Disposable = _memberSets.Subscribe(observer, CurrentMemberSet())))
            {
                observer.OnCompleted();
            }

            AttachOnSubscribe();
            return subscription;
        });
    }

    /// <summary>The channel this presence belongs to.</summary>
    public RealtimeChannel Channel => _channel;

    /// <summary>True once the presence set is complete: the SYNC after the last attach has ended (RTP13).</summary>
    public bool SyncComplete => _syncComplete;

    /// <summary>
    /// Every presence event on the channel (RTP6): ENTER, UPDATE, LEAVE and PRESENT, with data decoded and decrypted.
    /// Filter with <see cref="EventsOf"/> or LINQ.
    /// </summary>
    /// <remarks>
    /// Hot; a subscriber receives the events after it subscribed, nothing is replayed. The presence events of
    /// <see cref="RealtimeChannel.Events"/>, so they keep the channel's one order. Subscribing attaches the channel
    /// when <see cref="ChannelOptions.AttachOnSubscribe"/> (RTP6d); unsubscribing never detaches. Each subscription has
    /// its own queue drained on the delivery scheduler, never on the connection loop (unbounded by default; see
    /// <see cref="DeliveryOptions"/>): a slow subscriber delays only itself, and one that throws is reported on
    /// <see cref="RealtimeChannel.SubscriberErrors"/> and keeps receiving. Completes when the channel is released or the
    /// client disposed; never errors. Presence messages are immutable and shared by every subscriber.
    /// </remarks>
    public IDeliveryStream<PresenceMessage> Events { get; }

    /// <summary>
    /// The members present, as a set: the current snapshot first, then the whole set again after every change. Bind it
    /// to a UI, or combine it with LINQ (<c>Members.Select(m =&gt; m.Count)</c>).
    /// </summary>
    /// <remarks>
    /// Hot with a current value: a new subscriber receives the set as it stands, then every later set, with no gap and
    /// no duplicate. Each member is stored with action PRESENT. Same buffering, threading, attach and completion rules
    /// as <see cref="Events"/>.
    /// </remarks>
    public IObservable<IReadOnlyList<PresenceMessage>> Members { get; }

    /// <summary>The events with one action, for example <c>EventsOf(PresenceAction.Enter)</c>.</summary>
    public IDeliveryStream<PresenceMessage> EventsOf(PresenceAction action) =>
        new DeliveryStream<PresenceMessage>((observer, options) =>
        {
            var subscription = _channel.Feed.Subscribe(
                new ProjectingObserver<PresenceMessage>(observer, static n => ((PresenceNotification)n).Presence),
                FeedKinds.Presence,
                n => ((PresenceNotification)n).Presence.Action == action,
                options);
            AttachOnSubscribe();
            return subscription;
        });

    /// <summary>
    /// The members present (RTP11), after the SYNC has completed when <paramref name="waitForSync"/> (RTP11c1),
    /// optionally filtered by clientId and connectionId (RTP11c2, RTP11c3). Attaches the channel implicitly (RTP11e).
    /// </summary>
    /// <exception cref="AblyException">
    /// 91005 when the channel is SUSPENDED and <paramref name="waitForSync"/> (RTP11d); 90001 when it is FAILED or
    /// released; the attach error otherwise.
    /// </exception>
    public Task<IReadOnlyList<PresenceMessage>> GetAsync(bool waitForSync = true, string? clientId = null, string? connectionId = null, CancellationToken cancellationToken = default)
    {
        var answer = new TaskCompletionSource<IReadOnlyList<PresenceMessage>>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_channel.Execute(() => Get(answer, waitForSync, clientId, connectionId)))
        {
            answer.TrySetException(new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."));
        }

        return answer.Task.WaitAsync(cancellationToken);
    }

    /// <summary>On the loop: answer now, or when the channel attached (and, with waitForSync, when the SYNC ended).</summary>
    private void Get(TaskCompletionSource<IReadOnlyList<PresenceMessage>> answer, bool waitForSync, string? clientId, string? connectionId)
    {
        switch (_channel.StateOnLoop)
        {
            case ChannelState.Suspended when waitForSync:
                answer.TrySetException(new AblyException(ErrorCodes.PresenceOutOfSync, 400,
                    "The channel is SUSPENDED, so its presence set may be out of date (RTP11d); pass waitForSync: false to read it anyway."));
                return;
            case ChannelState.Suspended:
                answer.TrySetResult(Filter(clientId, connectionId));
                return;
            case ChannelState.Failed:
                answer.TrySetException(new AblyException(_channel.ErrorReason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400, "The channel is FAILED.")));
                return;
            case ChannelState.Attached when _syncComplete || !waitForSync:
                answer.TrySetResult(Filter(clientId, connectionId));
                return;
            case ChannelState.Attached:
                _syncWaiters.Add((answer, clientId, connectionId, waitForSync));
                return;
            default:
                // RTP11e: get() attaches implicitly; the answer follows the attach (and the SYNC).
                _syncWaiters.Add((answer, clientId, connectionId, waitForSync));
                StartImplicitAttach();
                return;
        }
    }

    /// <summary>Presence history of the channel through the REST API (RTP12), decoded with the channel's cipher.</summary>
    public Task<PaginatedResult<PresenceMessage>> HistoryAsync(HistoryQuery? query = null, CancellationToken cancellationToken = default)
    {
        var rest = _channel.Client.Rest.Channels.Get(_channel.Name, new ChannelOptions { Cipher = _channel.Options.Cipher });
        return rest.Presence.HistoryAsync(query, cancellationToken);
    }

    private IReadOnlyList<PresenceMessage> Filter(string? clientId, string? connectionId) =>
        _members.Members
            .Where(m => (clientId is null || m.ClientId == clientId) && (connectionId is null || m.ConnectionId == connectionId))
            .ToArray();

    private void AttachOnSubscribe()
    {
        if (_channel.Options.AttachOnSubscribe && !_channel.IsReleased && _channel.State is ChannelState.Initialized or ChannelState.Detached or ChannelState.Detaching)
        {
            _ = _channel.EnsureAttachedAsync(CancellationToken.None).ContinueWith(
                t => _channel.ReportError(t.Exception!.GetBaseException()),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }
}
