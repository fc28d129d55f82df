namespace Reliably.Rx;

/// <summary>Options of one channel (TB2), immutable; pass them to <c>Channels.Get</c>.</summary>
public sealed record ChannelOptions
{
    /// <summary>Options with defaults: no encryption, no params, default modes.</summary>
    public static ChannelOptions Default { get; } = new();

    /// <summary>Encrypts published and decrypts received message data (RSL5, TB2b).</summary>
    public CipherParams? Cipher { get; init; }

    /// <summary>Channel params sent in ATTACH, such as <c>rewind</c> or <c>delta</c> (RTL4k).</summary>
    public IReadOnlyDictionary<string, string>? Params { get; init; }

    /// <summary>Modes requested in ATTACH (RTL4l); <see cref="ChannelModes.None"/> takes the server's defaults.</summary>
    public ChannelModes Modes { get; init; }

    /// <summary>Subscribing attaches the channel implicitly; default true (RTL7g).</summary>
    public bool AttachOnSubscribe { get; init; } = true;

    /// <summary>
    /// After a loss of continuity, fetch the missed messages from history and deliver them, de-duplicated and in order,
    /// before the live ones. Also repairs the gaps of bounded <see cref="OverflowPolicy.DropOldest"/> subscriptions, each
    /// for its own subscription. Off by default.
    /// </summary>
    public bool AutoBackfill { get; init; }
}
