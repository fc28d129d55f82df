namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The HTTP side of a realtime spec. A realtime spec that installs only a <c>MockWebSocket</c> gives the client no HTTP
/// network at all; the scripted server, left without an HTTP handler, would instead hold each request open until the
/// client's httpRequestTimeout. These helpers state what such a spec implies.
/// </summary>
public static class UtsNetwork
{
    /// <summary>Answers the RTN17j connectivity check.</summary>
    public const string ConnectivityCheckHost = "internet-up.ably-realtime.com";

    /// <summary>No HTTP network: every request (the RTN17j connectivity check included) is refused at once.</summary>
    public static ScriptedAbly WithoutHttp(this ScriptedAbly server)
    {
        server.OnHttpRequest = r => r.RefuseConnection();
        return server;
    }

    /// <summary>
    /// The RTN17j connectivity check answers <c>yes</c>; other requests go to <paramref name="other"/>, or are refused.
    /// </summary>
    public static ScriptedAbly WithInternet(this ScriptedAbly server, Action<ScriptedHttpRequest>? other = null)
    {
        server.OnHttpRequest = r =>
        {
            if (IsConnectivityCheck(r))
            {
                r.RespondWith(200, System.Text.Encoding.UTF8.GetBytes("yes"), "text/plain");
            }
            else if (other is not null)
            {
                other(r);
            }
            else
            {
                r.RefuseConnection();
            }
        };
        return server;
    }

    /// <summary>
    /// The specs' client of a server that refuses every connection attempt (<c>conn.respond_with_refused()</c>), with
    /// disconnectedRetryTimeout 1 s, suspendedRetryTimeout 100 ms, no fallback hosts and autoConnect false: it goes
    /// DISCONNECTED, then SUSPENDED after connectionStateTtl (120 s).
    /// </summary>
    public static AblyRealtime RefusingClient(this ScriptedAbly server)
    {
        server.OnConnectionAttempt = c => c.Refuse();
        return server.CreateRealtime(o => o with
        {
            AutoConnect = false,
            DisconnectedRetryTimeout = TimeSpan.FromSeconds(1),
            SuspendedRetryTimeout = TimeSpan.FromMilliseconds(100),
            FallbackHosts = [],
        });
    }

    /// <summary>True for the RTN17j connectivity check request.</summary>
    public static bool IsConnectivityCheck(ScriptedHttpRequest request) =>
        string.Equals(request.Host, ConnectivityCheckHost, StringComparison.OrdinalIgnoreCase);
}
