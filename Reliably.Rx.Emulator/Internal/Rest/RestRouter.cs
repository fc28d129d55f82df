using Microsoft.AspNetCore.Http;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>Routes REST requests (PROTOCOL.md 7, 8) and the <c>/_emulator</c> control API.</summary>
internal sealed partial class RestRouter
{
    private readonly EmulatorServer _server;
    private readonly FaultRoutes _faults;

    public RestRouter(EmulatorServer server)
    {
        _server = server;
        _faults = new FaultRoutes(server);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var x = new RestExchange(context);
        try
        {
            if (EchoRoutes.EchoPath(x) is { } echoPath)
            {
                await EchoRoutes.HandleAsync(x, echoPath, _server.Time).ConfigureAwait(false);
                return;
            }

            if (x.Segments is ["_emulator", ..])
            {
                await _faults.HandleAsync(x).ConfigureAwait(false);
                return;
            }

            var local = context.Connection.LocalIpAddress?.ToString() ?? string.Empty;
            if (_server.Faults.TryConsumeRestFault(local, context.Request.Path.Value ?? "/") is { } fault)
            {
                // RSC15: a 5xx here is what makes clients try a fallback host.
                await x.WriteErrorAsync(fault.Code, fault.StatusCode, fault.Message).ConfigureAwait(false);
                return;
            }

            await RouteAsync(x).ConfigureAwait(false);
        }
        catch (AblyException ex)
        {
            if (!context.Response.HasStarted)
            {
                await x.WriteErrorAsync(ex.Code, ex.StatusCode, ex.Message).ConfigureAwait(false);
            }
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own request limits (e.g. body too large) still get an Ably-shaped error.
            if (!context.Response.HasStarted)
            {
                var code = ex.StatusCode == 413 ? 40009 : 40000;
                await x.WriteErrorAsync(code, ex.StatusCode, "Bad request: " + ex.Message).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or ArgumentException or OverflowException or Newtonsoft.Json.JsonException)
        {
            // Well-formed bodies with fields of the wrong type are the client's fault, not a server error.
            if (!context.Response.HasStarted)
            {
                await x.WriteErrorAsync(40000, 400, "Invalid request body: " + ex.Message).ConfigureAwait(false);
            }
        }
    }

    /// <summary>REC3: the connectivity check's answer, as Ably's host gives it, so clients can point connectivityCheckUrl here.</summary>
    private static Task WriteConnectivityAsync(RestExchange x)
    {
        var response = x.Context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain";
        return response.WriteAsync("yes\n");
    }

    private Task RouteAsync(RestExchange x) => (x.Method, x.Segments) switch
    {
        ("GET", []) => x.WriteAsync(200, new JObject { ["server"] = "Reliably.Rx.Emulator" }),
        ("GET", ["time"]) => x.WriteAsync(200, new JArray(_server.NowMs)),
        ("GET", ["is-the-internet-up.txt"]) => WriteConnectivityAsync(x),
        ("POST", ["apps"]) => CreateAppAsync(x),
        ("DELETE", ["apps", var appId]) => DeleteAppAsync(x, appId),
        ("GET", ["stats"]) => StatsAsync(x),
        ("POST", ["stats"]) => PostStatsAsync(x),
        ("POST", ["keys", var keyName, "requestToken"]) => RequestTokenAsync(x, keyName),
        ("POST", ["keys", var keyName, "revokeTokens"]) => RevokeTokensAsync(x, keyName),
        ("POST", ["messages"]) => BatchPublishAsync(x),
        ("GET", ["presence"]) => BatchPresenceAsync(x),
        ("GET", ["channels", var ch]) => ChannelStatusAsync(x, Channel(ch)),
        ("POST", ["channels", var ch, "messages"]) => PublishAsync(x, Channel(ch)),
        ("GET", ["channels", var ch, "messages"]) => HistoryAsync(x, Channel(ch)),
        ("GET", ["channels", var ch, "messages", var serial]) => GetMessageAsync(x, Channel(ch), serial),
        ("PATCH", ["channels", var ch, "messages", var serial]) => ChangeMessageAsync(x, Channel(ch), serial),
        ("GET", ["channels", var ch, "messages", var serial, "versions"]) => MessageVersionsAsync(x, Channel(ch), serial),
        ("POST", ["channels", var ch, "messages", var serial, "annotations"]) => PublishAnnotationsAsync(x, Channel(ch), serial),
        ("GET", ["channels", var ch, "messages", var serial, "annotations"]) => AnnotationsAsync(x, Channel(ch), serial),
        ("GET", ["channels", var ch, "presence"]) => PresenceAsync(x, Channel(ch)),
        ("GET", ["channels", var ch, "presence", "history"]) => PresenceHistoryAsync(x, Channel(ch)),
        _ => throw new AblyException(40400, 404, $"No route for {x.Method} /{string.Join('/', x.Segments)}"),
    };

    /// <summary>The channel a REST path names; an invalid name is refused with 40010 before anything else.</summary>
    private static string Channel(string name) => ChannelName.Parse(name).Resource;

    private AuthContext Authenticate(RestExchange x)
    {
        var request = x.Context.Request;
        string? clientId = null;
        var header = request.Headers["X-Ably-ClientId"].ToString();
        if (!string.IsNullOrEmpty(header))
        {
            try
            {
                clientId = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header));
            }
            catch (FormatException)
            {
                throw new AblyException(40012, 400, "X-Ably-ClientId must be base64");
            }
        }

        var auth = _server.Authenticator.FromAuthorizationHeader(request.Headers.Authorization.ToString(), clientId, request.IsHttps);
        return auth.App.Deleted ? throw new AblyException(40400, 404, "Application deleted") : auth;
    }

    private static void Require(AuthContext auth, string channel, params string[] operations)
    {
        if (!operations.Any(op => auth.Capability.Allows(channel, op)))
        {
            throw ErrorInfo.CapabilityDenied(operations[0] + " on channel " + channel);
        }
    }
}
