using System.Collections;
using System.Collections.Concurrent;

namespace Reliably.Rx;

/// <summary>
/// The channels of a realtime client (RTS): one <see cref="RealtimeChannel"/> per name, created on first use and kept
/// until released. Thread-safe.
/// </summary>
public sealed class RealtimeChannels : IEnumerable<RealtimeChannel>
{
    private readonly AblyRealtime _client;
    private readonly ConcurrentDictionary<string, RealtimeChannel> _channels = new(StringComparer.Ordinal);
    private readonly object _createGate = new();

    internal RealtimeChannels(AblyRealtime client) => _client = client;

    /// <summary>
    /// The channel called <paramref name="name"/>, created if needed (RTS3a): always the same instance for a name until
    /// it is released. Given options replace an existing channel's options (RTS3c); when its params or modes change
    /// while it is attached or attaching, it re-attaches with them (RTL16a), in the background; use
    /// <see cref="RealtimeChannel.SetOptionsAsync"/> to await that.
    /// </summary>
    /// <exception cref="AblyException">40010 for an invalid channel name; 80017 after the client is disposed.</exception>
    public RealtimeChannel Get(string name, ChannelOptions? options = null)
    {
        RestChannels.ValidateName(name);
        if (_client.IsDisposed)
        {
            throw new AblyException(ErrorCodes.ConnectionClosed, 400, "The realtime client has been disposed.");
        }

        if (_channels.TryGetValue(name, out var existing))
        {
            Apply(existing, options);
            return existing;
        }

        lock (_createGate)
        {
            if (_channels.TryGetValue(name, out existing))
            {
                Apply(existing, options);
                return existing;
            }

            var channel = new RealtimeChannel(_client, name, options ?? ChannelOptions.Default);
            _client.Loop.Execute(() =>
            {
                if (!channel.IsReleased)
                {
                    _client.Loop.Channels.Register(channel);
                }
            });
            _channels[name] = channel;
            return channel;
        }
    }

    /// <summary>The channel called <paramref name="name"/>; the same as <see cref="Get"/> without options.</summary>
    /// <exception cref="AblyException">40010 for an invalid channel name.</exception>
    public RealtimeChannel this[string name] => Get(name);

    /// <summary>True when a channel of that name exists and has not been released (RTS2).</summary>
    public bool Exists(string name) => name is not null && _channels.ContainsKey(name);

    /// <summary>
    /// Releases a channel (RTS4): detaches it (when attached and connected), removes it, and completes its streams. Its
    /// instance is unusable afterwards (90001); a later <see cref="Get"/> creates a new one.
    /// </summary>
    /// <returns>False when there was no such channel.</returns>
    public async Task<bool> ReleaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (name is null || !_channels.TryGetValue(name, out var channel))
        {
            return false;
        }

        try
        {
            await channel.DetachAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AblyException)
        {
            // A failed channel cannot detach (RTL5b) and a closed connection need not: release anyway.
        }

        lock (_createGate)
        {
            if (!_channels.TryRemove(new KeyValuePair<string, RealtimeChannel>(name, channel)))
            {
                return false;
            }
        }

        channel.Complete(released: true);
        return true;
    }

    /// <inheritdoc />
    public IEnumerator<RealtimeChannel> GetEnumerator() => _channels.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>On client disposal: complete every channel's streams.</summary>
    internal void DisposeAll()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Complete(released: false);
        }
    }

    private static void Apply(RealtimeChannel channel, ChannelOptions? options)
    {
        if (options is null || ReferenceEquals(options, channel.Options))
        {
            return;
        }

        // Errors of the background re-attach show on the channel's state; observe the task so none goes unobserved.
        _ = channel.SetOptionsAsync(options).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }
}
