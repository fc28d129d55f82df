using Newtonsoft.Json.Linq;

namespace Reliably.Rx;

/// <summary>
/// Entering, updating and leaving the presence set (RTP8, RTP9, RTP10, RTP14, RTP15, RTP17). Each command takes data and,
/// in its second form, extras too (RTP8a, RTP9a, RTP10a): a JSON object sent as the presence message's extras (TP3i),
/// counted in its size (TP5) and kept for automatic re-entry (RTP17g).
/// </summary>
public sealed partial class RealtimePresence
{
    /// <summary>Enters this client into the presence set with optional data (RTP8). Completes on the server's ACK.</summary>
    /// <exception cref="AblyException">91000 when this client has no clientId (RTP8j); the NACK's error otherwise.</exception>
    public Task EnterAsync(object? data = null, CancellationToken cancellationToken = default) =>
        SendOwnAsync(PresenceAction.Enter, data, null, cancellationToken);

    /// <summary>Updates this client's data (RTP9); enters it when it is not present. Completes on ACK.</summary>
    public Task UpdateAsync(object? data = null, CancellationToken cancellationToken = default) =>
        SendOwnAsync(PresenceAction.Update, data, null, cancellationToken);

    /// <summary>Leaves the presence set (RTP10). Completes on ACK.</summary>
    public Task LeaveAsync(object? data = null, CancellationToken cancellationToken = default) =>
        SendOwnAsync(PresenceAction.Leave, data, null, cancellationToken);

    /// <summary>Enters <paramref name="clientId"/> on behalf of others; needs a wildcard clientId (RTP14, RTP15).</summary>
    public Task EnterClientAsync(string clientId, object? data = null, CancellationToken cancellationToken = default) =>
        SendForClientAsync(PresenceAction.Enter, clientId, data, null, cancellationToken);

    /// <summary>Updates the data of <paramref name="clientId"/> (RTP15).</summary>
    public Task UpdateClientAsync(string clientId, object? data = null, CancellationToken cancellationToken = default) =>
        SendForClientAsync(PresenceAction.Update, clientId, data, null, cancellationToken);

    /// <summary>Removes <paramref name="clientId"/> from the presence set (RTP15).</summary>
    public Task LeaveClientAsync(string clientId, object? data = null, CancellationToken cancellationToken = default) =>
        SendForClientAsync(PresenceAction.Leave, clientId, data, null, cancellationToken);

    /// <summary>Enters this client with data and extras (RTP8a, RTP8e). Completes on the server's ACK.</summary>
    /// <exception cref="AblyException">91000 when this client has no clientId (RTP8j); the NACK's error otherwise.</exception>
    public Task EnterAsync(object? data, JObject? extras, CancellationToken cancellationToken = default) =>
        SendOwnAsync(PresenceAction.Enter, data, extras, cancellationToken);

    /// <summary>Updates this client's data and extras (RTP9a); enters it when it is not present. Completes on ACK.</summary>
    public Task UpdateAsync(object? data, JObject? extras, CancellationToken cancellationToken = default) =>
        SendOwnAsync(PresenceAction.Update, data, extras, cancellationToken);

    /// <summary>Leaves the presence set with data and extras (RTP10a). Completes on ACK.</summary>
    public Task LeaveAsync(object? data, JObject? extras, CancellationToken cancellationToken = default) =>
        SendOwnAsync(PresenceAction.Leave, data, extras, cancellationToken);

    /// <summary>Enters <paramref name="clientId"/> with data and extras on behalf of others (RTP14, RTP15).</summary>
    public Task EnterClientAsync(string clientId, object? data, JObject? extras, CancellationToken cancellationToken = default) =>
        SendForClientAsync(PresenceAction.Enter, clientId, data, extras, cancellationToken);

    /// <summary>Updates the data and extras of <paramref name="clientId"/> (RTP15).</summary>
    public Task UpdateClientAsync(string clientId, object? data, JObject? extras, CancellationToken cancellationToken = default) =>
        SendForClientAsync(PresenceAction.Update, clientId, data, extras, cancellationToken);

    /// <summary>Removes <paramref name="clientId"/> from the presence set, with data and extras (RTP15).</summary>
    public Task LeaveClientAsync(string clientId, object? data, JObject? extras, CancellationToken cancellationToken = default) =>
        SendForClientAsync(PresenceAction.Leave, clientId, data, extras, cancellationToken);

    private string? OwnClientId =>
        _channel.Client.Connection.Details?.ClientId ?? _channel.Client.Options.ClientId ?? _channel.Client.Auth.ClientId;

    /// <summary>A disposed client (80017) or a released channel (90001) refuses before anything else is checked.</summary>
    private Task? Refusal() =>
        _channel.Client.IsDisposed ? Task.FromException(new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."))
        : _channel.IsReleased ? Task.FromException(new AblyException(ErrorCodes.ChannelOperationFailedInvalidState, 400, $"Channel '{_channel.Name}' has been released."))
        : null;

    private Task SendOwnAsync(PresenceAction action, object? data, JObject? extras, CancellationToken cancellationToken)
    {
        if (Refusal() is { } refusal)
        {
            return refusal;
        }

        var clientId = OwnClientId;
        if (string.IsNullOrEmpty(clientId) || clientId == "*")
        {
            // RTP8j: an anonymous or wildcard client cannot be a member as itself.
            return Task.FromException(new AblyException(ErrorCodes.PresenceClientIdRequired, 400,
                "Entering presence needs a clientId; this client is anonymous or has a wildcard clientId (use EnterClientAsync)."));
        }

        // The client omits clientId when acting as itself (PROTOCOL.md 6.1); the server fills it in.
        return SendAsync(new PresenceMessage(action, null, data) { Extras = (JObject?)extras?.DeepClone() }, cancellationToken);
    }

    private Task SendForClientAsync(PresenceAction action, string clientId, object? data, JObject? extras, CancellationToken cancellationToken)
    {
        if (Refusal() is { } refusal)
        {
            return refusal;
        }

        if (string.IsNullOrEmpty(clientId) || clientId == "*")
        {
            return Task.FromException(new AblyException(ErrorCodes.InvalidClientId, 400,
                "A concrete clientId is required to enter, update or leave on behalf of another client (RTP15)."));
        }

        var own = OwnClientId;
        if (own is not null && own != "*" && own != clientId)
        {
            return Task.FromException(new AblyException(ErrorCodes.InvalidClientId, 400,
                $"This client is identified as another clientId and cannot act for '{clientId}' (RTP15f)."));
        }

        return SendAsync(new PresenceMessage(action, clientId, data) { Extras = (JObject?)extras?.DeepClone() }, cancellationToken);
    }

    private Task SendAsync(PresenceMessage message, CancellationToken cancellationToken)
    {
        if (Refusal() is { } refusal)
        {
            return refusal;
        }

        PresenceMessage encoded;
        try
        {
            encoded = _channel.Encode(message);
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }

        // TP5: measured once, here, so the loop only compares it with the connection's limit.
        var size = PayloadEncoding.MessageSize.Of(encoded);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_channel.Execute(() => SendOrQueue(encoded, size, completion)))
        {
            completion.TrySetException(new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed."));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>On the loop: send when ATTACHED, queue and attach implicitly when INITIALIZED or ATTACHING (RTP8d, RTP16b), fail otherwise (RTP16c).</summary>
    private void SendOrQueue(PresenceMessage encoded, long size, TaskCompletionSource completion)
    {
        switch (_channel.StateOnLoop)
        {
            case ChannelState.Attached:
                Send(encoded, size, completion);
                break;
            case ChannelState.Initialized:
            case ChannelState.Attaching:
                if (!_channel.Client.Options.QueueMessages && _channel.Client.Connection.State != ConnectionState.Connected)
                {
                    completion.TrySetException(new AblyException(ErrorCodes.ChannelOperationFailedInvalidState, 400,
                        "The connection is not CONNECTED and queueMessages is off (RTP16b)."));
                    return;
                }

                (_queued ??= new()).Add((encoded, size, completion));
                StartImplicitAttach();
                break;
            default:
                // RTP16c, RTP8g: DETACHING, DETACHED, SUSPENDED and FAILED refuse at once; nothing attaches implicitly.
                completion.TrySetException(new AblyException(_channel.ErrorReason ?? new ErrorInfo(ErrorCodes.ChannelOperationFailedInvalidState, 400,
                    $"Presence is not possible while the channel is {_channel.StateOnLoop.ToString().ToUpperInvariant()} (RTP16c).")));
                break;
        }
    }

    private void Send(PresenceMessage encoded, long size, TaskCompletionSource completion) =>
        _channel.SendPresenceOnLoop(new[] { encoded }, size, error =>
        {
            if (error is null)
            {
                completion.TrySetResult();
            }
            else
            {
                completion.TrySetException(new AblyException(error));
            }
        });

    /// <summary>On the loop: the channel attached; queued presence goes out in order (RTP16b).</summary>
    private void FlushQueued()
    {
        if (_queued is not { } queued)
        {
            return;
        }

        _queued = null;
        foreach (var (encoded, size, completion) in queued)
        {
            Send(encoded, size, completion);
        }
    }

    /// <summary>On the loop: the channel cannot attach; queued presence fails (RTP5a, RTP16c).</summary>
    private void FailQueued(ErrorInfo reason)
    {
        if (_queued is not { } queued)
        {
            return;
        }

        _queued = null;
        foreach (var (_, _, completion) in queued)
        {
            completion.TrySetException(new AblyException(reason));
        }
    }

    private void StartImplicitAttach()
    {
        if (_channel.StateOnLoop == ChannelState.Attaching)
        {
            return;
        }

        // The attach outcome reaches presence as channel state changes; the task is only observed here.
        _channel.AttachAsync(CancellationToken.None).ContinueWith(
            static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// RTP17g: enters every member this connection holds again, with its data, and its id when the connection is
    /// the same one (RTP17g1). A failed re-entry is reported with 91004 (RTP17e). Runs on the loop.
    /// </summary>
    private void ReenterOwnMembers()
    {
        if (_ownMembers.Count == 0)
        {
            return;
        }

        var connectionId = _channel.Client.Connection.Id;
        foreach (var member in _ownMembers.Values)
        {
            var enter = new PresenceMessage(PresenceAction.Enter, member.ClientId, member.Data)
            {
                Id = member.ConnectionId == connectionId ? member.Id : null,
                Encoding = member.Encoding,
                Extras = member.Extras,
            };
            var clientId = member.ClientId;
            var encoded = _channel.Encode(enter);
            _channel.SendPresenceOnLoop(new[] { encoded }, PayloadEncoding.MessageSize.Of(encoded), error =>
            {
                if (error is not null)
                {
                    _channel.ReportPresenceReentryFailure(
                        new ErrorInfo(ErrorCodes.PresenceReenterFailed, 400, $"Automatic re-entry of presence member '{clientId}' failed (RTP17e).") { Cause = error });
                }
            });
        }
    }
}
