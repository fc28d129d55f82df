using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A message's annotation summary, recomputed from its annotations in the order the channel received them, one entry per
/// annotation type (<c>namespace:method.version</c>), as Ably documents the aggregation methods:
/// <list type="bullet">
/// <item><c>total.v1</c>: how many annotations of the type were published (the emulator ignores deletes of it).</item>
/// <item><c>flag.v1</c>: the clients that flagged the message, each once; a delete removes the client.</item>
/// <item><c>distinct.v1</c>: per name, the clients that used it, each once per name; a delete removes the client from that name.</item>
/// <item><c>unique.v1</c>: per name, the clients whose one annotation of the type has that name (a new one replaces the client's
/// earlier one); a delete removes the client.</item>
/// <item><c>multiple.v1</c>: per name, the counts each client contributed (<c>count</c>, 1 when absent), unidentified clients
/// summed apart; a delete removes every contribution of the client to that name.</item>
/// </list>
/// A type with another method is stored and delivered but has no summary entry.
/// </summary>
internal static class AnnotationSummary
{
    /// <summary>The methods that need an identified client (each client counts once).</summary>
    public static bool NeedsClientId(string type) => Method(type) is "flag.v1" or "distinct.v1" or "unique.v1";

    /// <summary>The <c>summary</c> object for <paramref name="annotations"/> (stored annotations, oldest first).</summary>
    public static JObject Of(IEnumerable<JObject> annotations)
    {
        var summary = new JObject();
        foreach (var byType in annotations.GroupBy(a => a.Value<string>("type")!, StringComparer.Ordinal))
        {
            var entry = Method(byType.Key) switch
            {
                "total.v1" => new JObject { ["total"] = byType.Count(a => Action(a) == 0) },
                "flag.v1" => ClientIdList(Clients(byType)),
                "distinct.v1" => PerName(byType, Clients),
                "unique.v1" => Unique(byType),
                "multiple.v1" => Multiple(byType),
                _ => null,
            };
            if (entry is not null)
            {
                summary[byType.Key] = entry;
            }
        }

        return summary;
    }

    private static string Method(string type) => type[(type.IndexOf(':', StringComparison.Ordinal) + 1)..];

    private static int Action(JObject a) => a.Value<int?>("action") ?? 0;

    private static string? Name(JObject a) => a.Value<string?>("name");

    private static string? ClientId(JObject a) => a.Value<string?>("clientId");

    /// <summary>The clients present after the creates and deletes, in order of first appearance.</summary>
    private static List<string> Clients(IEnumerable<JObject> annotations)
    {
        var clients = new List<string>();
        foreach (var a in annotations)
        {
            if (ClientId(a) is not { } client)
            {
                continue;
            }

            if (Action(a) == 1)
            {
                clients.Remove(client);
            }
            else if (!clients.Contains(client))
            {
                clients.Add(client);
            }
        }

        return clients;
    }

    private static JObject ClientIdList(List<string> clients) =>
        new() { ["total"] = clients.Count, ["clientIds"] = new JArray(clients), ["clipped"] = false };

    private static JObject PerName(IEnumerable<JObject> annotations, Func<IEnumerable<JObject>, List<string>> clientsOf)
    {
        var entry = new JObject();
        foreach (var byName in annotations.GroupBy(a => Name(a) ?? string.Empty, StringComparer.Ordinal))
        {
            var clients = clientsOf(byName);
            if (clients.Count > 0)
            {
                entry[byName.Key] = ClientIdList(clients);
            }
        }

        return entry;
    }

    private static JObject Unique(IEnumerable<JObject> annotations)
    {
        // Each client's current name: a create moves the client to its name, a delete removes the client.
        var current = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var a in annotations)
        {
            if (ClientId(a) is not { } client)
            {
                continue;
            }

            order.Remove(client);
            if (Action(a) == 1)
            {
                current.Remove(client);
                continue;
            }

            current[client] = Name(a) ?? string.Empty;
            order.Add(client);
        }

        var entry = new JObject();
        foreach (var byName in order.GroupBy(c => current[c], StringComparer.Ordinal))
        {
            entry[byName.Key] = ClientIdList(byName.ToList());
        }

        return entry;
    }

    private static JObject Multiple(IEnumerable<JObject> annotations)
    {
        var entry = new JObject();
        foreach (var byName in annotations.GroupBy(a => Name(a) ?? string.Empty, StringComparer.Ordinal))
        {
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            var order = new List<string>();
            long unidentified = 0;
            foreach (var a in byName)
            {
                var client = ClientId(a);
                if (Action(a) == 1)
                {
                    if (client is not null && counts.Remove(client))
                    {
                        order.Remove(client);
                    }

                    continue;
                }

                var count = a.Value<long?>("count") ?? 1;
                if (client is null)
                {
                    unidentified += count;
                }
                else if (counts.TryGetValue(client, out var before))
                {
                    counts[client] = before + count;
                }
                else
                {
                    counts[client] = count;
                    order.Add(client);
                }
            }

            if (counts.Count == 0 && unidentified == 0)
            {
                continue;
            }

            var clientIds = new JObject();
            foreach (var client in order)
            {
                clientIds[client] = counts[client];
            }

            entry[byName.Key] = new JObject
            {
                ["total"] = counts.Values.Sum() + unidentified,
                ["clientIds"] = clientIds,
                ["totalUnidentified"] = unidentified,
                ["clipped"] = false,
                ["totalClientIds"] = counts.Count,
            };
        }

        return entry;
    }
}
