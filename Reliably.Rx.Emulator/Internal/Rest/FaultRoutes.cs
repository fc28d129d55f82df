using System.Globalization;
using System.Net;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>The HTTP control API under <c>/_emulator</c>; every route mirrors an <see cref="EmulatorFaults"/> method.</summary>
internal sealed class FaultRoutes
{
    private readonly EmulatorServer _server;
    private readonly EmulatorFaults _faults;

    public FaultRoutes(EmulatorServer server)
    {
        _server = server;
        _faults = new EmulatorFaults(server);
    }

    public Task HandleAsync(RestExchange x)
    {
        var s = x.Segments;
        if (x.Method == "POST")
        {
            // The path only: query strings may carry tokens, which are never logged.
            Hosting.EmulatorLog.Fault(_server.Logger, string.Join('/', s.Skip(1)), null);
        }

        return (x.Method, s) switch
        {
            ("GET", ["_emulator", "connections"]) => x.WriteAsync(200, Connections(x.Q("appId")), WireFormat.Json),
            ("GET", ["_emulator", "info"]) => x.WriteAsync(200, Info(), WireFormat.Json),
            ("GET", ["_emulator", "connections", var id, "frames"]) => FramesAsync(x, id),
            ("POST", ["_emulator", "connections", var id, "drop"]) => Done(x, _faults.DropConnection(id)),
            ("POST", ["_emulator", "connections", var id, "disconnect"]) => Done(x, _faults.Disconnect(id, Error(x))),
            ("POST", ["_emulator", "connections", var id, "forget"]) => Done(x, _faults.ForgetConnection(id, x.Q("drop") == "true")),
            ("POST", ["_emulator", "connections", var id, "silence"]) => Done(x, _faults.SetSilent(id, x.Q("on") != "false")),
            ("POST", ["_emulator", "connections", var id, "fail"]) => Done(x, _faults.FailConnection(id, Error(x))),
            ("POST", ["_emulator", "connections", var id, "auth"]) => Done(x, _faults.RequestReauth(id)),
            ("POST", ["_emulator", "connections", var id, "expire-token"]) => Done(x, _faults.ExpireConnectionToken(id)),
            ("POST", ["_emulator", "connections", var id, "close"]) => Done(x, _faults.CloseConnection(id)),
            ("POST", ["_emulator", "connections", var id, "send"]) => SendFrameAsync(x, id),
            ("GET", ["_emulator", "connection-attempts"]) => x.WriteAsync(200, Attempts(), WireFormat.Json),
            ("POST", ["_emulator", "faults", "frames", "suppress"]) => Run(x, () => _faults.SuppressFrames(
                x.Q("direction") == "in" ? EmulatorFrameDirection.Inbound : EmulatorFrameDirection.Outbound,
                (int)(x.QLong("action") ?? throw new ArgumentException("action is required")), (int?)x.QLong("count"), x.Q("channel"))),
            ("POST", ["_emulator", "faults", "frames", "replace"]) => ReplaceFramesAsync(x),
            ("POST", ["_emulator", "connections", var id, "channels", var ch, "detach"]) => Done(x, _faults.DetachChannel(id, ch, Error(x))),
            ("POST", ["_emulator", "connections", var id, "channels", var ch, "error"]) => Done(x, _faults.FailChannel(id, ch, Error(x))),
            ("POST", ["_emulator", "faults", "nack"]) => Run(x, () => _faults.NackNextPublishes((int)(x.QLong("count") ?? 1), Error(x), x.Q("connectionId"))),
            ("POST", ["_emulator", "faults", "ack-delay"]) => Run(x, () => _faults.DelayAcks(TimeSpan.FromMilliseconds(x.QLong("ms") ?? 0))),
            ("POST", ["_emulator", "faults", "attach-delay"]) => Run(x, () => _faults.DelayAttached(TimeSpan.FromMilliseconds(x.QLong("ms") ?? 0))),
            ("POST", ["_emulator", "faults", "rest-error"]) => Run(x, () => _faults.FailRestRequests(
                (int)(x.QLong("status") ?? 503), (int?)x.QLong("count"), Address(x.Q("address")), x.Q("path"), Error(x))),
            ("POST", ["_emulator", "faults", "reject-connections"]) => Run(x, () => _faults.FailConnectionAttempts(
                (int?)x.QLong("count"), Error(x), Address(x.Q("address")))),
            ("POST", ["_emulator", "connections", "drop-all"]) => RunCount(x, _faults.DropAllConnections()),
            ("POST", ["_emulator", "faults", "reset"]) => Run(x, _faults.Reset),
            ("POST", ["_emulator", "tokens", "expire"]) => ExpireTokenAsync(x),
            _ => throw new AblyException(40400, 404, $"No control route for {x.Method} /{string.Join('/', s)}"),
        };
    }

    private JArray Connections(string? appId) => new(
        AblyEmulator.Snapshot(_server).Where(c => appId is null || c.AppId == appId).Select(c => new JObject
        {
            ["connectionId"] = c.ConnectionId,
            ["appId"] = c.AppId,
            ["clientId"] = c.ClientId,
            ["channels"] = new JArray(c.Channels),
            ["connected"] = c.IsConnected,
            ["format"] = c.Format,
        }));

    private JArray Attempts() => new(_server.Attempts.Snapshot().Select(a => new JObject
    {
        ["timestamp"] = a.Timestamp.ToUnixTimeMilliseconds(),
        ["queryParams"] = new JObject(a.Parameters.Select(p => new JProperty(p.Key, p.Value))),
    }));

    private async Task SendFrameAsync(RestExchange x, string connectionId)
    {
        var body = await x.ReadBodyAsync().ConfigureAwait(false) ?? throw new AblyException(40000, 400, "The body is the ProtocolMessage to send");
        await Done(x, WithArguments(() => _faults.SendFrame(connectionId, body.ToString(Newtonsoft.Json.Formatting.None)))).ConfigureAwait(false);
    }

    private async Task ReplaceFramesAsync(RestExchange x)
    {
        var body = await x.ReadBodyAsync().ConfigureAwait(false) ?? throw new AblyException(40000, 400, "The body is the replacement ProtocolMessage");
        await Run(x, () => _faults.ReplaceFrames(
            (int)(x.QLong("action") ?? throw new ArgumentException("action is required")),
            body.ToString(Newtonsoft.Json.Formatting.None),
            (int?)x.QLong("count"),
            x.Q("channel"))).ConfigureAwait(false);
    }

    private static bool WithArguments(Func<bool> action)
    {
        try
        {
            return action();
        }
        catch (ArgumentException ex)
        {
            throw new AblyException(40003, 400, ex.Message);
        }
    }

    private Task FramesAsync(RestExchange x, string connectionId)
    {
        var session = _server.Sessions.Find(connectionId) ?? throw new AblyException(40400, 404, "No such connection");
        var frames = new JArray(session.Frames.Snapshot().Select(f => new JObject
        {
            ["timestamp"] = f.Timestamp.ToUnixTimeMilliseconds(),
            ["direction"] = f.Direction == EmulatorFrameDirection.Inbound ? "in" : "out",
            ["action"] = f.Action,
            ["message"] = JsonTree.Read(f.Json),
        }));
        return x.WriteAsync(200, frames, WireFormat.Json);
    }

    private JObject Info() => new()
    {
        ["host"] = _server.Host,
        ["port"] = _server.Port,
        ["tls"] = _server.Options.Tls,
        ["apps"] = new JArray(_server.Apps.Select(a => a.AppId)),
    };

    private async Task ExpireTokenAsync(RestExchange x)
    {
        var token = x.Q("token") ?? (await x.ReadBodyAsync().ConfigureAwait(false))?.Value<string?>("token")
            ?? throw new AblyException(40000, 400, "token is required");
        var count = _faults.ExpireToken(token);
        if (count < 0)
        {
            throw new AblyException(40400, 404, "Unknown token");
        }

        await x.WriteAsync(200, new JObject { ["ok"] = true, ["connections"] = count }, WireFormat.Json).ConfigureAwait(false);
    }

    private static EmulatorError? Error(RestExchange x)
    {
        var code = x.QLong("code");
        if (code is null)
        {
            return null;
        }

        var status = x.QLong("statusCode") ?? (code.Value / 100 is >= 400 and < 600 ? code.Value / 100 : 500);
        return new EmulatorError((int)code.Value, (int)status, x.Q("message") ?? "Injected error " + code.Value.ToString(CultureInfo.InvariantCulture));
    }

    private static IPAddress? Address(string? text) =>
        text is null ? null : IPAddress.TryParse(text, out var a) ? a : throw new AblyException(40003, 400, "Invalid address");

    private static Task Done(RestExchange x, bool found) => found
        ? x.WriteAsync(200, new JObject { ["ok"] = true }, WireFormat.Json)
        : throw new AblyException(40400, 404, "No such connection (or it has no open transport)");

    private static Task RunCount(RestExchange x, int count) =>
        x.WriteAsync(200, new JObject { ["ok"] = true, ["count"] = count }, WireFormat.Json);

    private static Task Run(RestExchange x, Action action)
    {
        try
        {
            action();
        }
        catch (ArgumentException ex)
        {
            throw new AblyException(40003, 400, ex.Message);
        }

        return x.WriteAsync(200, new JObject { ["ok"] = true }, WireFormat.Json);
    }
}
