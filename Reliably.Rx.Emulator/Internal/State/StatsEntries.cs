using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Converts a stats fixture to the flat <c>entries</c> of Ably's app-stats schema (ably-common json-schemas, TS12).
/// Fixtures may come flat (<c>entries</c>) or in the nested form the SDK test suites post (<c>inbound.realtime.messages
/// .count</c>, <c>persisted.presence.data</c>, <c>connections.tls.peak</c>, <c>channels.opened</c>, <c>apiRequests</c>,
/// <c>tokenRequests</c>); the nested form also fills the <c>all</c> aggregates Ably derives, unless the fixture states
/// them itself.
/// </summary>
internal static class StatsEntries
{
    private static readonly string[] Directions = ["inbound", "outbound"];

    /// <summary>The flat entries of one fixture record.</summary>
    public static JObject FromFixture(JObject record)
    {
        var derived = new Dictionary<string, double>(StringComparer.Ordinal);
        var stated = new Dictionary<string, JValue>(StringComparer.Ordinal);
        foreach (var direction in Directions)
        {
            if (record[direction] is JObject byTransport)
            {
                Messages(byTransport, "messages." + direction, derived, stated, alsoIntoAll: true);
            }
        }

        if (record["persisted"] is JObject persisted)
        {
            Types(persisted, "messages.persisted", derived, stated, alsoIntoAll: false);
        }

        if (record["connections"] is JObject connections)
        {
            // The schema has one connection total; tls and plain fixtures add up to it.
            foreach (var (kind, metrics) in connections)
            {
                Leaves(metrics, "connections.all", kind == "all" ? stated : null, derived);
            }
        }

        if (record["channels"] is JObject channels)
        {
            Leaves(channels, "channels", stated, null);
        }

        if (record["apiRequests"] is JObject api)
        {
            Leaves(api, "apiRequests.other", stated, null);
            Leaves(api, "apiRequests.all", null, derived);
        }

        if (record["tokenRequests"] is JObject tokens)
        {
            Leaves(tokens, "apiRequests.tokenRequests", stated, null);
            Leaves(tokens, "apiRequests.all", null, derived);
        }

        if (record["push"] is JObject push)
        {
            Leaves(push, "push", stated, null);
        }

        var entries = new JObject();
        foreach (var (name, value) in derived)
        {
            entries[name] = value == Math.Floor(value) && Math.Abs(value) < long.MaxValue ? new JValue((long)value) : new JValue(value);
        }

        foreach (var (name, value) in stated)
        {
            entries[name] = value;
        }

        if (record["entries"] is JObject flat)
        {
            foreach (var (name, value) in flat)
            {
                entries[name] = value?.DeepClone();
            }
        }

        return entries;
    }

    private static void Messages(JObject byTransport, string prefix, Dictionary<string, double> derived, Dictionary<string, JValue> stated, bool alsoIntoAll)
    {
        foreach (var (transport, types) in byTransport)
        {
            if (types is not JObject byType)
            {
                continue;
            }

            Types(byType, prefix + "." + transport, derived, stated, alsoIntoAll);
            if (transport != "all")
            {
                Types(byType, prefix + ".all", derived, null, alsoIntoAll: false);
            }
        }
    }

    /// <summary>Per message type (messages, presence, ...): the entry itself, its <c>all</c> type and the overall total.</summary>
    private static void Types(JObject byType, string prefix, Dictionary<string, double> derived, Dictionary<string, JValue>? stated, bool alsoIntoAll)
    {
        foreach (var (type, metrics) in byType)
        {
            Leaves(metrics, prefix + "." + type, stated, stated is null ? derived : null);
            if (type != "all")
            {
                Leaves(metrics, prefix + ".all", null, derived);
            }

            if (alsoIntoAll && type != "all")
            {
                // messages.all.* totals both directions over every transport, from the concrete types only.
                Leaves(metrics, "messages.all." + type, null, derived);
                Leaves(metrics, "messages.all.all", null, derived);
            }
        }
    }

    /// <summary>Numeric leaves under <paramref name="node"/>: set into <paramref name="stated"/> and/or summed into <paramref name="derived"/>.</summary>
    private static void Leaves(JToken? node, string prefix, Dictionary<string, JValue>? stated, Dictionary<string, double>? derived)
    {
        if (node is not JObject obj)
        {
            return;
        }

        foreach (var (name, value) in obj)
        {
            var key = prefix + "." + name;
            if (value is JObject nested)
            {
                Leaves(nested, key, stated, derived);
            }
            else if (value is JValue { Type: JTokenType.Integer or JTokenType.Float } number)
            {
                if (stated is not null)
                {
                    stated[key] = (JValue)number.DeepClone();
                }

                if (derived is not null)
                {
                    derived[key] = derived.GetValueOrDefault(key) + Convert.ToDouble(number.Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
    }
}
