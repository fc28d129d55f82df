using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Armed frame faults: frames of one action (and optionally one channel) that the server swallows or replaces, in either
/// direction, for a number of matches or until reset, the rules of a fault-injecting proxy. The first matching rule wins.
/// Thread-safe.
/// </summary>
internal sealed class FrameRules
{
    private readonly object _gate = new();
    private readonly List<Rule> _rules = [];

    private volatile bool _any;

    /// <summary>True while at least one rule is armed; lets the hot path skip the lock.</summary>
    public bool Any => _any;

    public void Add(bool inbound, int action, string? channel, JObject? replacement, int? count)
    {
        lock (_gate)
        {
            _rules.Add(new Rule(inbound, action, channel, replacement) { Remaining = count });
            _any = true;
        }
    }

    /// <summary>
    /// Applies the first rule matching <paramref name="message"/>: null when it is swallowed, a copy of the rule's
    /// replacement when it is replaced, the message itself otherwise.
    /// </summary>
    public JObject? Apply(bool inbound, JObject message)
    {
        if (!Any)
        {
            return message;
        }

        var action = message.Value<int?>("action") ?? -1;
        var channel = message.Value<string?>("channel");
        lock (_gate)
        {
            var rule = _rules.FirstOrDefault(r => r.Inbound == inbound && r.Action == action && (r.Channel is null || r.Channel == channel));
            if (rule is null)
            {
                return message;
            }

            if (rule.Remaining is not null && --rule.Remaining <= 0)
            {
                _rules.Remove(rule);
                _any = _rules.Count > 0;
            }

            return (JObject?)rule.Replacement?.DeepClone();
        }
    }

    /// <summary>The outbound form of <see cref="Apply"/>: the frame to send, or null to swallow it.</summary>
    public OutgoingFrame? ApplyOutbound(OutgoingFrame frame)
    {
        if (!Any)
        {
            return frame;
        }

        var result = Apply(inbound: false, frame.Message);
        return result is null ? null : ReferenceEquals(result, frame.Message) ? frame : new OutgoingFrame(result);
    }

    public void Reset()
    {
        lock (_gate)
        {
            _rules.Clear();
            _any = false;
        }
    }

    private sealed record Rule(bool Inbound, int Action, string? Channel, JObject? Replacement)
    {
        public int? Remaining { get; set; }
    }
}
