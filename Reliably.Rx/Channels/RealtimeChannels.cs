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
    /// it is released. Given options are set on a new channel (RTS3b) and replace an existing channel's options (RTS3c),
    /// unless they would make it re-attach (new params or modes while it is attached or attaching, RTL16a): that is
    /// refused (RTS3c1); use <see cref="RealtimeChannel.SetOptionsAsync"/>, which re-attaches and completes on ATTACHED.
    /// </summary>
    /// <exception cref="AblyException">
    /// 40010 for an invalid channel name; 40000 for options that would make the existing channel re-attach (RTS3c1); 80017
    /// after the client is disposed.
    /// </exception>
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

    /// <summary>
    /// A derived channel of <paramref name="name"/> (RTS5a): the channel named <c>[filter=&lt;base64 of the
    /// filter&gt;]name</c> (RTS5a1), and <c>[filter=&lt;base64&gt;?p1=v1&amp;p2=v2]name</c> when <paramref name="options"/>
    /// has params (RTS5a2), which are also set on the channel with the rest of the options. A <c>[?params]name</c>
    /// prefix moves into the derived qualifier. Otherwise as <see cref="Get"/>.
    /// </summary>
    /// <remarks>
    /// The server applies the filter (Ably's subscription filters): the channel receives only the base channel's messages
    /// that match, and messages that do not match are never sent to this client. See docs/realtime.md for how this
    /// differs from filtering the stream on the client.
    /// </remarks>
    /// <param name="name">The base channel's name.</param>
    /// <param name="deriveOptions">How to derive it: its filter (DO2a).</param>
    /// <param name="options">The derived channel's options.</param>
    /// <exception cref="AblyException">
    /// 40003 without derive options or with an empty filter; 40010 when <paramref name="name"/> has a qualifier other
    /// than <c>[?params]</c>; as <see cref="Get"/> otherwise.
    /// </exception>
    public RealtimeChannel GetDerived(string name, DeriveOptions deriveOptions, ChannelOptions? options = null)
    {
        if (string.IsNullOrEmpty(deriveOptions?.Filter))
        {
            throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A derived channel needs derive options with a filter (RTS5a).");
        }

        RestChannels.ValidateName(name);
        return Get(DerivedChannelName.Build(name, deriveOptions.Filter, options?.Params), options);
    }

    /// <summary>
    /// The channel of <paramref name="name"/> filtered on the server by <paramref name="filter"/>: the same as
    /// <see cref="GetDerived"/> with <see cref="SubscriptionFilter.ToDeriveOptions"/>.
    /// </summary>
    /// <param name="name">The base channel's name.</param>
    /// <param name="filter">Which messages the server sends.</param>
    /// <param name="options">The derived channel's options.</param>
    /// <exception cref="AblyException">As <see cref="GetDerived"/>; 40003 without a filter.</exception>
    public RealtimeChannel GetFiltered(string name, SubscriptionFilter filter, ChannelOptions? options = null) =>
        GetDerived(name, (filter ?? throw new AblyException(ErrorCodes.InvalidParameterValue, 400, "A subscription filter is required.")).ToDeriveOptions(), options);

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
    /// <remarks>
    /// The channel is removed and its streams completed on the connection loop, in the turn that settles the detach (the
    /// DETACHED, or at once when no detach is needed), so with a virtual-time scheduler the release happens at a definite
    /// virtual time. A detach that fails (a FAILED channel cannot detach, RTL5b; a closed connection need not) does not
    /// stop the release. Cancelling <paramref name="cancellationToken"/> stops the wait, not the release.
    /// </remarks>
    public Task<bool> ReleaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (name is null || !_channels.TryGetValue(name, out var channel))
        {
            return Task.FromResult(false);
        }

        var released = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Finish() => released.TrySetResult(Remove(name, channel));
        if (!channel.DetachThen(Finish))
        {
            Finish();
        }

        return released.Task.WaitAsync(cancellationToken);
    }

    private bool Remove(string name, RealtimeChannel channel)
    {
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

        if (channel.WouldReattachFor(options))
        {
            // RTS3c1: a re-attach is SetOptionsAsync's to do, where its outcome can be awaited.
            throw new AblyException(ErrorCodes.BadRequest, 400,
                $"New params or modes for channel '{channel.Name}' need a re-attach; use RealtimeChannel.SetOptionsAsync (RTS3c1).");
        }

        // No re-attach is needed: SetOptionsAsync completes at once.
        _ = channel.SetOptionsAsync(options).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
    }
}
