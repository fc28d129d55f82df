using System.Collections;
using System.Collections.Concurrent;

namespace Reliably.Rx;

/// <summary>The channels of a REST client (RSN): one <see cref="RestChannel"/> per name, created on first use.</summary>
public sealed class RestChannels : IEnumerable<RestChannel>
{
    private readonly AblyRest _rest;
    private readonly ConcurrentDictionary<string, RestChannel> _channels = new(StringComparer.Ordinal);

    internal RestChannels(AblyRest rest) => _rest = rest;

    /// <summary>
    /// The channel called <paramref name="name"/>, created if needed (RSN3a). Given options replace the channel's
    /// options (RSN3c); without options an existing channel keeps its own.
    /// </summary>
    /// <exception cref="AblyException">40010 for an invalid channel name.</exception>
    public RestChannel Get(string name, ChannelOptions? options = null)
    {
        ValidateName(name);
        var channel = _channels.GetOrAdd(name, n => new RestChannel(_rest, n, options ?? ChannelOptions.Default));
        if (options is not null)
        {
            channel.Options = options;
        }

        return channel;
    }

    /// <summary>The channel called <paramref name="name"/>; the same as <see cref="Get"/> without options.</summary>
    public RestChannel this[string name] => Get(name);

    /// <summary>True when a channel of that name has been created and not released (RSN2).</summary>
    public bool Exists(string name) => name is not null && _channels.ContainsKey(name);

    /// <summary>Forgets a channel (RSN4); a later <see cref="Get"/> creates a new instance. No request is made.</summary>
    public bool Release(string name) => name is not null && _channels.TryRemove(name, out _);

    /// <inheritdoc />
    public IEnumerator<RestChannel> GetEnumerator() => _channels.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Channel names must be non-empty, without control characters, and a <c>[qualifier]</c> prefix must be closed.</summary>
    internal static void ValidateName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new AblyException(ErrorCodes.InvalidChannelName, 400, "A channel name must not be empty.");
        }

        if (name.Any(char.IsControl))
        {
            throw new AblyException(ErrorCodes.InvalidChannelName, 400, "A channel name must not contain control characters.");
        }

        if (name.StartsWith('[') && (name.IndexOf(']', StringComparison.Ordinal) is var close && (close < 0 || close == name.Length - 1)))
        {
            throw new AblyException(ErrorCodes.InvalidChannelName, 400, "A channel name's [qualifier] must be closed and followed by a name.");
        }
    }
}
