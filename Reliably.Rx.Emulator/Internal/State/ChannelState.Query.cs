using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Occupancy and membership housekeeping.</summary>
internal sealed partial class ChannelState
{
    /// <summary>Stops fan-out to every attachment of a session (transport lost, detach-all).</summary>
    public void RemoveSession(Session session)
    {
        lock (_gate)
        {
            _subscribers.RemoveWhere(a => a.Session == session);
        }
    }

    /// <summary>Occupancy metrics for channel status (RSL8).</summary>
    public JObject Metrics()
    {
        lock (_gate)
        {
            var presenceConnections = _members.Values.Select(m => m.Value<string>("connectionId")).Distinct().Count();
            return new JObject
            {
                ["connections"] = _subscribers.Select(s => s.Session).Distinct().Count(),
                ["presenceConnections"] = presenceConnections,
                ["presenceMembers"] = _members.Count,
                ["presenceSubscribers"] = _subscribers.Count(s => s.Has(Flags.PresenceSubscribe)),
                ["publishers"] = _subscribers.Count(s => s.Has(Flags.Publish)),
                ["subscribers"] = _subscribers.Count(s => s.Has(Flags.Subscribe)),
                ["objectPublishers"] = _subscribers.Count(s => s.Has(Flags.ObjectPublish)),
                ["objectSubscribers"] = _subscribers.Count(s => s.Has(Flags.ObjectSubscribe)),
            };
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
}
