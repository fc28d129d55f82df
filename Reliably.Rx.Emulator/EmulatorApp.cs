using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator;

/// <summary>An isolated emulated Ably app: its keys, channels, tokens and stats.</summary>
public sealed class EmulatorApp
{
    private readonly ConcurrentDictionary<string, ChannelState> _channels = new(StringComparer.Ordinal);

    internal EmulatorApp(string appId, string accountId, IReadOnlyList<EmulatorKey> keys, JArray namespaces, EmulatorServer server)
    {
        AppId = appId;
        AccountId = accountId;
        Keys = keys;
        Namespaces = namespaces;
        Server = server;
    }

    /// <summary>The app id (first part of every key name).</summary>
    public string AppId { get; }

    /// <summary>The account id reported by the sandbox API.</summary>
    public string AccountId { get; }

    /// <summary>The app's keys in creation order.</summary>
    public IReadOnlyList<EmulatorKey> Keys { get; }

    /// <summary>The first key's full key string.</summary>
    public string DefaultKey => Keys[0].KeyString;

    internal JArray Namespaces { get; }

    internal EmulatorServer Server { get; }

    internal StatsStore Stats { get; } = new();

    internal bool Deleted { get; set; }

    internal IEnumerable<ChannelState> Channels => _channels.Values;

    internal EmulatorKey? FindKey(string keyName) => Keys.FirstOrDefault(k => k.KeyName == keyName);

    /// <summary>
    /// True when the channel's namespace (the part of its name before the first ':') has the "Message annotations,
    /// updates, deletes, and appends" rule (<c>mutableMessages</c>) that updates, deletes, appends, versions and
    /// annotations need (93002 otherwise).
    /// </summary>
    internal bool MutableMessages(string channel)
    {
        var colon = channel.IndexOf(':', StringComparison.Ordinal);
        var ns = colon > 0 ? channel[..colon] : null;
        return ns is not null && Namespaces.OfType<JObject>().Any(n => n.Value<string?>("id") == ns && n.Value<bool?>("mutableMessages") == true);
    }

    internal ChannelState GetChannel(string name) => _channels.GetOrAdd(name, static (n, app) => new ChannelState(n, app), this);

    internal ChannelState? TryGetChannel(string name) => _channels.TryGetValue(name, out var c) ? c : null;

    /// <summary>Forgets every channel (a restart): the next use of a name starts a new channel with a new serial epoch.</summary>
    internal void ForgetChannels() => _channels.Clear();
}
