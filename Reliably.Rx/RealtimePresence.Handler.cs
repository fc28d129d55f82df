using Reliably.Rx.Channels;
using Reliably.Rx.Protocol;

namespace Reliably.Rx;

/// <summary>The loop side of presence: frames, attaches and channel state changes (all called on the loop).</summary>
public sealed partial class RealtimePresence
{
    void IChannelPresenceHandler.OnAttached(ProtocolMessage attached, bool reenter)
    {
        if (attached.HasFlag(ProtocolFlags.HasPresence))
        {
            // RTP1: a SYNC follows. It starts with its first SYNC frame (RTP18a); members not seen in it leave when it
            // ends (RTP19). A SYNC of an earlier attachment is abandoned: this one replaces it.
            _syncComplete = false;
            _members.DiscardSync();
        }
        else
        {
            // RTP1, RTP19a: no members on the server: everyone held locally has left.
            EmitAll(_members.ClearWithLeaves());
            CompleteSync();
        }

        PublishMemberSetIfChanged();
        AnswerWaitersNotWaitingForSync();

        if (reenter)
        {
            // RTP17i: every ATTACHED but a RESUMED one on an attached channel; the server may not hold our members any more.
            ReenterOwnMembers();
        }
    }

    void IChannelPresenceHandler.OnPresenceFrame(ProtocolMessage message)
    {
        var presence = message.Presence ?? Array.Empty<PresenceMessage>();
        var isSync = message.Action == ProtocolAction.Sync;
        if (isSync)
        {
            _members.BeginSyncPage(message.ChannelSerial);
        }

        for (var i = 0; i < presence.Length; i++)
        {
            var member = presence[i];
            if (member is null)
            {
                continue;
            }

            FillFromProtocolMessage(member, message, i);
            if (_channel.Decode(member) is { } error)
            {
                // RSL6b: delivered with the steps that could not be undone left in Encoding.
                _channel.ReportError(new AblyException(error));
            }

            TrackOwnMember(member);
            if (_members.Apply(member) is { } emitted)
            {
                _channel.Feed.Presence(emitted);
            }
        }

        if (isSync)
        {
            var leaves = _members.EndSyncPageIfLast(message.ChannelSerial);
            EmitAll(leaves);
            if (!_members.SyncInProgress)
            {
                CompleteSync();
            }
        }

        PublishMemberSetIfChanged();
    }

    void IChannelPresenceHandler.OnChannelStateChanged(ChannelStateChange change)
    {
        switch (change.Current)
        {
            case ChannelState.Attached when change.Event != ChannelEvent.Update:
                // RTP16b: presence queued while attaching goes out now, in order.
                FlushQueued();
                break;
            case ChannelState.Detached:
            case ChannelState.Failed:
                // RTP5a: both maps are cleared without events; waiters for a sync fail.
                _members.Clear();
                _ownMembers.Clear();
                var reason = change.Reason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400,
                    $"The channel went {change.Current.ToString().ToUpperInvariant()} before the presence operation completed.");
                FailSyncWaiters(reason);
                FailQueued(reason);
                _syncComplete = false;
                PublishMemberSetIfChanged();
                break;
            case ChannelState.Suspended:
                // RTP5f: the map is kept; get() with waitForSync fails with 91005 (RTP11d).
                FailSyncWaiters(new ErrorInfo(ErrorCodes.PresenceOutOfSync, 400, "The channel is SUSPENDED; presence may be out of sync (RTP11d)."));
                FailQueued(change.Reason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400, "The channel is SUSPENDED (RTP16c)."));
                break;
        }
    }

    /// <summary>Completes the presence streams (channel released or client disposed).</summary>
    internal void Complete()
    {
        var released = new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400, "The channel was released.");
        _channel.Execute(() =>
        {
            FailSyncWaiters(released);
            FailQueued(released);
        });
        _memberSets.Complete();
    }

    /// <summary>TP3: id, connectionId and timestamp come from the ProtocolMessage when the member lacks them.</summary>
    private static void FillFromProtocolMessage(PresenceMessage member, ProtocolMessage message, int index) =>
        member.FillFromProtocolMessage(message.Id, index, message.ConnectionId, message.Timestamp);

    /// <summary>
    /// RTP17: members entered by this connection are kept by clientId for re-entry. A synthesized LEAVE (the server
    /// removing the member after a drop) does not remove it: the client still wants to be present (RTP17b).
    /// </summary>
    private void TrackOwnMember(PresenceMessage member)
    {
        var ownConnectionId = _channel.Client.Connection.Id;
        if (member.ClientId is null || ownConnectionId is null || member.ConnectionId != ownConnectionId)
        {
            return;
        }

        switch (member.Action)
        {
            case PresenceAction.Enter:
            case PresenceAction.Update:
            case PresenceAction.Present:
                _ownMembers.Put(member);
                break;
            case PresenceAction.Leave:
                _ownMembers.Remove(member);
                break;
        }
    }

    private void EmitAll(IReadOnlyList<PresenceMessage> events)
    {
        foreach (var e in events)
        {
            _channel.Feed.Presence(e);
        }
    }

    private void PublishMemberSetIfChanged()
    {
        // The set is a copy of every member: built on each change only while someone watches Members, so that a change
        // costs the same with 10 members as with 10,000 (RTP2) when nobody does. A later subscriber gets it built then.
        if (_members.Version == _publishedVersion || _memberSets.SubscriberCount == 0)
        {
            return;
        }

        _memberSets.Publish(CurrentMemberSet());
    }

    /// <summary>The member set as it stands, built again only if the map changed since it was last built.</summary>
    private IReadOnlyList<PresenceMessage> CurrentMemberSet()
    {
        if (_members.Version != _publishedVersion)
        {
            _publishedVersion = _members.Version;
            _lastMemberSet = _members.Members;
        }

        return _lastMemberSet;
    }

    private void AnswerWaitersNotWaitingForSync()
    {
        for (var i = _syncWaiters.Count - 1; i >= 0; i--)
        {
            var (waiter, clientId, connectionId, waitForSync) = _syncWaiters[i];
            if (!waitForSync)
            {
                waiter.TrySetResult(Filter(clientId, connectionId));
                _syncWaiters.RemoveAt(i);
            }
        }
    }

    private void CompleteSync()
    {
        _syncComplete = true;
        foreach (var (waiter, clientId, connectionId, _) in _syncWaiters)
        {
            waiter.TrySetResult(Filter(clientId, connectionId));
        }

        _syncWaiters.Clear();
    }

    private void FailSyncWaiters(ErrorInfo reason)
    {
        foreach (var (waiter, _, _, _) in _syncWaiters)
        {
            waiter.TrySetException(new AblyException(reason));
        }

        _syncWaiters.Clear();
    }
}
