using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Chaos;

/// <summary>The client options of a chaos run's publisher and subscribers.</summary>
internal sealed partial class ChaosRun
{
    /// <summary>
    /// Token auth through an authCallback that asks <paramref name="issuer"/> for tokens of <paramref name="ttl"/>: the
    /// server renews them in band before they expire (RTN22), and the injector expires them early or asks for a
    /// re-authentication mid-stream.
    /// </summary>
    public static ClientOptions TokenClientOptions(AblyEmulator emulator, AblyRest issuer, bool msgpack, TimeSpan ttl) =>
        ClientOptions(emulator, msgpack) with
        {
            Key = null,
            AllowInsecureBasicAuth = false,
            AuthCallback = async (_, ct) => await issuer.Auth.RequestTokenAsync(new TokenParams { Ttl = ttl }, cancellationToken: ct).ConfigureAwait(false),
        };

    public static ClientOptions ClientOptions(AblyEmulator emulator, bool msgpack) => new()
    {
        Key = emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
        UseBinaryProtocol = msgpack,
        DisconnectedRetryTimeout = TimeSpan.FromMilliseconds(500),
        SuspendedRetryTimeout = TimeSpan.FromSeconds(1),
        ChannelRetryTimeout = TimeSpan.FromMilliseconds(500),
        RealtimeRequestTimeout = TimeSpan.FromSeconds(4),
    };
}
