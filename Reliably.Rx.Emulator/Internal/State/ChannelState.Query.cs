using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Occupancy (RSL8 channel status, and inband <c>[meta]occupancy</c> events for the <c>occupancy</c> param).</summary>
internal sealed partial class ChannelState
{
    private string? _lastOccupancy;

    /// <summary>Stops fan-out to every attachment of a session (transport lost, detach-all).</summary>
    public void RemoveSession(Session session)
    {
        lock (_gate)
        {
            if (_subscribers.RemoveWhere(a => a.Session == session) > 0)
            {
                PublishOccupancy(null);
            }
        }
    }

    /// <summary>Occupancy metrics for channel status (RSL8).</summary>
    public JObject Metrics()
    {
        lock (_gate)
        {
            return MetricsLocked();
        }
    }

    public bool IsActive
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count > 0 || _members.Count > 0;
            }
        }
    }

    /// <summary>The metrics Ably reports: attached connections, and how many are permitted each kind of operation.</summary>
    private JObject MetricsLocked() => new()
    {
        ["connections"] = _subscribers.Select(s => s.Session).Distinct().Count(),
        ["presenceConnections"] = _subscribers.Count(s => s.Has(Flags.Presence)),
        ["presenceMembers"] = _members.Count,
        ["presenceSubscribers"] = _subscribers.Count(s => s.Has(Flags.PresenceSubscribe)),
        ["publishers"] = _subscribers.Count(s => s.Has(Flags.Publish)),
        ["subscribers"] = _subscribers.Count(s => s.Has(Flags.Subscribe)),
        ["objectPublishers"] = _subscribers.Count(s => s.Has(Flags.ObjectPublish)),
        ["objectSubscribers"] = _subscribers.Count(s => s.Has(Flags.ObjectSubscribe)),
    };

    /// <summary>
    /// Sends a <c>[meta]occupancy</c> message to the attachments that asked for occupancy when the metrics changed, and
    /// the current metrics to <paramref name="joining"/> when it just attached with the param. Caller holds the lock.
    /// </summary>
    private void PublishOccupancy(Attachment? joining)
    {
        if (!_subscribers.Any(s => s.Params.Occupancy))
        {
            _lastOccupancy = null;
            return;
        }

        var metrics = MetricsLocked();
        var text = metrics.ToString(Newtonsoft.Json.Formatting.None);
        var changed = text != _lastOccupancy;
        _lastOccupancy = text;
        if (!changed && joining is not { Params.Occupancy: true })
        {
            return;
        }

        var now = Server.NowMs;
        var frame = new OutgoingFrame(new JObject
        {
            ["action"] = Actions.Message,
            ["channel"] = Name,
            ["timestamp"] = now,
            ["messages"] = new JArray(new JObject
            {
                ["id"] = "occupancy-" + Ids.Alnum(10) + ":0",
                ["name"] = "[meta]occupancy",
                ["timestamp"] = now,
                ["data"] = new JObject { ["metrics"] = metrics },
            }),
        });
        foreach (var s in changed ? _subscribers.Where(s => s.Params.Occupancy) : [joining!])
        {
            s.Deliver(frame);
        }
    }
}
