using Reliably.Rx.Http;

namespace Reliably.Rx;

/// <summary>
/// A channel seen through REST (RSL): publish, history, presence and status. Stateless apart from its options;
/// safe to use from many threads.
/// </summary>
public sealed partial class RestChannel
{
    private readonly AblyRest _rest;
    private ChannelOptions _options;

    internal RestChannel(AblyRest rest, string name, ChannelOptions options)
    {
        _rest = rest;
        Name = name;
        _options = options;
        Presence = new RestPresence(this);
        Annotations = new RestAnnotations(this);
    }

    /// <summary>The channel name.</summary>
    public string Name { get; }

    /// <summary>The channel options: the cipher used to encrypt published and decrypt read messages (RSL5, TB2).</summary>
    public ChannelOptions Options
    {
        get => Volatile.Read(ref _options);
        internal set => Volatile.Write(ref _options, value ?? ChannelOptions.Default);
    }

    /// <summary>REST presence of this channel (RSP).</summary>
    public RestPresence Presence { get; }

    /// <summary>The annotations of this channel's messages (RSL10, RSAN).</summary>
    public RestAnnotations Annotations { get; }

    internal AblyRest Rest => _rest;

    /// <summary>The escaped path of this channel, <c>/channels/{name}</c>.</summary>
    internal string BasePath => "/channels/" + Uri.EscapeDataString(Name);

    /// <summary>The channel's status and occupancy (RSL8).</summary>
    /// <exception cref="AblyException">The server's error, for example 40160 without the channel-metadata capability.</exception>
    public async Task<ChannelDetails> StatusAsync(CancellationToken cancellationToken = default)
    {
        _rest.ThrowIfDisposed();
        var request = new RestRequest(HttpMethod.Get, BasePath) { Format = _rest.Format };
        var response = await _rest.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var codec = _rest.Pipeline.Codecs.ForResponse(response, _rest.Format);
        return codec.ReadChannelDetails(response.Body);
    }
}
