using Reliably.Rx.Emulator;

namespace Reliably.Rx.Tests.Docs;

/// <summary>
/// What a documentation block may use without declaring it (<c>uses=...</c> in its info string): <c>options</c>
/// (ClientOptions for an in-process emulator), <c>key</c> and <c>port</c> (its API key and port),
/// <c>cancellationToken</c> (cancelled after the block's time budget), <c>client</c> (a realtime client with clientId
/// alice, connected) and <c>channel</c> (a fresh channel of it). The hidden prelude declares exactly those.
/// </summary>
public static class SnippetHost
{
    public static readonly string[] Variables = ["options", "key", "port", "cancellationToken", "client", "channel"];

    internal static AblyEmulator Emulator { get; set; } = null!;

    public static ClientOptions Options => new()
    {
        Key = Emulator.DefaultKey,
        Endpoint = "127.0.0.1",
        Port = Emulator.Port,
        Tls = false,
        AllowInsecureBasicAuth = true,
    };

    public static string Key => Emulator.DefaultKey;

    public static int Port => Emulator.Port;

    public static CancellationToken Token { get; internal set; }

    public static string NewChannelName() => "docs-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The C# that declares <paramref name="uses"/> (and what they depend on), before the block's own code.</summary>
    internal static string Prelude(IReadOnlyList<string> uses)
    {
        var unknown = uses.Except(Variables).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException("Unknown snippet variables: " + string.Join(", ", unknown));
        }

        var wanted = new HashSet<string>(uses);
        if (wanted.Contains("channel"))
        {
            wanted.Add("client");
        }

        var code = new System.Text.StringBuilder();
        var host = typeof(SnippetHost).FullName;
        code.AppendLine($"var cancellationToken = {host}.Token;");
        if (wanted.Contains("options") || wanted.Contains("client"))
        {
            code.AppendLine($"var options = {host}.Options;");
        }

        if (wanted.Contains("key"))
        {
            code.AppendLine($"var key = {host}.Key;");
        }

        if (wanted.Contains("port"))
        {
            code.AppendLine($"var port = {host}.Port;");
        }

        if (wanted.Contains("client"))
        {
            code.AppendLine("await using var client = new AblyRealtime(options with { ClientId = \"alice\" });");
            code.AppendLine("await client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(30), cancellationToken);");
        }

        if (wanted.Contains("channel"))
        {
            code.AppendLine($"var channel = client.Channels.Get({host}.NewChannelName());");
        }

        return code.ToString();
    }
}
