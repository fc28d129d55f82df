using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Channels;
using Reliably.Rx.Tests.Realtime;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>
/// Hostile application input: invalid channel names, oversized messages, null and empty arguments to every public
/// method, and use after dispose. Every one must surface as an <see cref="AblyException"/> with an Ably error code
/// (thrown at once or as a faulted task), never a NullReferenceException, ArgumentException or ObjectDisposedException.
/// </summary>
[TestFixture]
[Category("Hostile")]
public sealed class HostileUserInputTests
{
    private static ClientOptions Offline => new()
    {
        Key = "appId.keyId:secret",
        AutoConnect = false,
        Endpoint = "127.0.0.1",
        Port = 9,
        Tls = false,
        AllowInsecureBasicAuth = true,
    };

    /// <summary>Runs the action (sync throw or faulted task) and returns the Ably error code it failed with.</summary>
    private static async Task<int> AblyCode(Func<Task> action, string what)
    {
        Exception? caught = null;
        try
        {
            await action().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex)
        {
            caught = ex;
        }

        Assert.That(caught, Is.InstanceOf<AblyException>(), $"{what}: expected an AblyException, got {caught?.GetType().Name}: {caught?.Message}");
        var code = ((AblyException)caught!).ErrorInfo.Code;
        Assert.That(code, Is.GreaterThan(0), $"{what}: an Ably error code");
        TestContext.Progress.WriteLine($"[hostile] {what}: {code}");
        return code;
    }

    private static Task<int> AblyCode(Action action, string what) => AblyCode(() =>
    {
        action();
        return Task.CompletedTask;
    }, what);

    private static readonly string?[] BadNames = [null, "", "   ", "bad\u0000name", "line\nbreak"];

    [Test]
    public async Task Invalid_channel_names_are_rejected_with_40010_on_realtime_and_rest()
    {
        await using var realtime = new AblyRealtime(Offline);
        using var rest = new AblyRest(Offline);
        foreach (var name in BadNames)
        {
            var shown = name is null ? "null" : "\"" + name.Replace("\n", "\\n").Replace("\0", "\\0") + "\"";
            Assert.That(await AblyCode(() => realtime.Channels.Get(name!), "realtime Get " + shown), Is.EqualTo(ErrorCodes.InvalidChannelName));
            Assert.That(await AblyCode(() => _ = realtime.Channels[name!], "realtime indexer " + shown), Is.EqualTo(ErrorCodes.InvalidChannelName));
            Assert.That(await AblyCode(() => rest.Channels.Get(name!), "rest Get " + shown), Is.EqualTo(ErrorCodes.InvalidChannelName));
        }

        Assert.That(realtime.Channels.Exists(null!), Is.False);
        Assert.That(await realtime.Channels.ReleaseAsync(null!), Is.False);
        Assert.That(rest.Channels.Release(null!), Is.False);

        // A long name is the server's business (there is no documented client-side limit): it is accepted locally.
        Assert.That(realtime.Channels.Get(new string('n', 10_000)).Name, Has.Length.EqualTo(10_000));
    }

    [Test]
    public async Task An_oversized_message_fails_with_40009_before_anything_is_sent()
    {
        await using var c = new ChannelHarness();
        await c.AttachNow();
        var big = new string('x', 70_000);
        Assert.That(await AblyCode(() => c.Channel.PublishAsync("big", big), "oversized realtime publish"), Is.EqualTo(ErrorCodes.MessageTooLarge));
        Assert.That(await AblyCode(() => c.Channel.PublishAsync(Enumerable.Range(0, 5).Select(i => new Message("m", new string('y', 15_000))).ToList()), "oversized batch"), Is.EqualTo(ErrorCodes.MessageTooLarge));
        c.Pump();
        Assert.That(c.Sent(ProtocolAction.Message), Is.Empty, "nothing sent");

        using var rest = new AblyRest(Offline);
        Assert.That(await AblyCode(() => rest.Channels.Get("x").PublishAsync("big", big), "oversized REST publish"), Is.EqualTo(ErrorCodes.MessageTooLarge));
    }

    [Test]
    public async Task Null_and_empty_arguments_to_realtime_methods_are_AblyExceptions()
    {
        Assert.That(await AblyCode(() => _ = new AblyRealtime((string)null!), "new AblyRealtime(null key)"), Is.GreaterThan(0));
        Assert.That(await AblyCode(() => _ = new AblyRealtime(string.Empty), "new AblyRealtime(\"\")"), Is.GreaterThan(0));
        Assert.That(await AblyCode(() => _ = new AblyRealtime((ClientOptions)null!), "new AblyRealtime(null options)"), Is.GreaterThan(0));

        await using var c = new ChannelHarness();
        var channel = c.Channel;
        await AblyCode(() => channel.PublishAsync((Message)null!), "PublishAsync(null message)");
        await AblyCode(() => channel.PublishAsync((IEnumerable<Message>)null!), "PublishAsync(null list)");
        await AblyCode(() => channel.PublishAsync(new List<Message>()), "PublishAsync(empty list)");
        await AblyCode(() => channel.PublishAsync(new List<Message> { new("a", "b"), null! }), "PublishAsync(list with null)");
        await AblyCode(() => _ = channel.Messages((string)null!), "Messages(null name)");
        await AblyCode(() => channel.SetOptionsAsync(null!), "SetOptionsAsync(null)");
        await AblyCode(() => channel.WaitForStateAsync(ChannelState.Attached, TimeSpan.FromSeconds(-1)), "channel WaitForStateAsync(negative)");
        await AblyCode(() => c.H.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(-1)), "connection WaitForStateAsync(negative)");

        var presence = channel.Presence;
        await AblyCode(() => presence.EnterClientAsync(null!), "EnterClientAsync(null)");
        await AblyCode(() => presence.EnterClientAsync(string.Empty), "EnterClientAsync(\"\")");
        await AblyCode(() => presence.UpdateClientAsync(null!), "UpdateClientAsync(null)");
        await AblyCode(() => presence.LeaveClientAsync(null!), "LeaveClientAsync(null)");
    }

    [Test]
    public async Task Null_and_empty_arguments_to_rest_methods_are_AblyExceptions()
    {
        Assert.That(await AblyCode(() => _ = new AblyRest((string)null!), "new AblyRest(null key)"), Is.GreaterThan(0));
        Assert.That(await AblyCode(() => _ = new AblyRest((ClientOptions)null!), "new AblyRest(null options)"), Is.GreaterThan(0));
        using var rest = new AblyRest(Offline);
        var channel = rest.Channels.Get("x");
        await AblyCode(() => channel.PublishAsync((Message)null!), "REST PublishAsync(null message)");
        await AblyCode(() => channel.PublishAsync((IEnumerable<Message>)null!), "REST PublishAsync(null list)");
        await AblyCode(() => channel.PublishAsync(new List<Message>()), "REST PublishAsync(empty list)");
        await AblyCode(() => channel.PublishAsync(new List<Message> { null! }), "REST PublishAsync(list with null)");
        await AblyCode(() => channel.GetMessageAsync((string)null!), "GetMessageAsync(null)");
        await AblyCode(() => channel.GetMessageAsync((Message)null!), "GetMessageAsync(null message)");
        await AblyCode(() => channel.GetMessageVersionsAsync((string)null!), "GetMessageVersionsAsync(null)");
        await AblyCode(() => channel.UpdateMessageAsync(null!), "UpdateMessageAsync(null)");
        await AblyCode(() => channel.DeleteMessageAsync(new Message()), "DeleteMessageAsync(no serial)");
        await AblyCode(() => channel.AppendMessageAsync(new Message { Serial = string.Empty }), "AppendMessageAsync(empty serial)");
        await AblyCode(() => channel.GetMessageAsync(string.Empty), "GetMessageAsync(\"\")");
    }

    [Test]
    public async Task Every_use_after_dispose_is_an_AblyException_with_one_consistent_code()
    {
        // With a clientId, so presence fails for being disposed and not for being anonymous (91000 is checked first).
        var h = new RealtimeHarness(o => o with { ClientId = "me" });
        h.ConnectNow();
        var client = h.Client;
        var channel = client.Channels.Get("chat");
        await client.DisposeAsync();
        await client.DisposeAsync(); // idempotent

        var codes = new Dictionary<string, int>
        {
            ["Channels.Get"] = await AblyCode(() => client.Channels.Get("other"), "Channels.Get"),
            ["PublishAsync"] = await AblyCode(() => channel.PublishAsync("a", "b"), "PublishAsync"),
            ["AttachAsync"] = await AblyCode(() => channel.AttachAsync(), "AttachAsync"),
            ["DetachAsync"] = await AblyCode(() => channel.DetachAsync(), "DetachAsync"),
            ["SetOptionsAsync"] = await AblyCode(() => channel.SetOptionsAsync(new ChannelOptions { Params = new Dictionary<string, string> { ["rewind"] = "1" } }), "SetOptionsAsync"),
            ["HistoryAsync"] = await AblyCode(() => channel.HistoryAsync(), "HistoryAsync"),
            ["Presence.EnterAsync"] = await AblyCode(() => channel.Presence.EnterAsync(), "Presence.EnterAsync"),
            ["Presence.GetAsync"] = await AblyCode(() => channel.Presence.GetAsync(), "Presence.GetAsync"),
            ["PingAsync"] = await AblyCode(() => client.Connection.PingAsync(), "PingAsync"),
        };
        TestContext.Progress.WriteLine("[hostile] after dispose: " + string.Join(", ", codes.Select(kv => kv.Key + "=" + kv.Value)));
        Assert.That(codes.Values.Distinct(), Is.EquivalentTo(new[] { ErrorCodes.ConnectionClosed }), "one code for 'this client is disposed'");

        await using var offline = new AblyRealtime(Offline);
        await offline.DisposeAsync();
        codes["WaitForStateAsync (real scheduler)"] = await AblyCode(() => offline.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(5)), "WaitForStateAsync on an offline client");
        TestContext.Progress.WriteLine("[hostile] after dispose: " + string.Join(", ", codes.Select(kv => kv.Key + "=" + kv.Value)));

        // Connect and Close after dispose neither throw nor resurrect the client.
        client.Connection.Connect();
        await client.Connection.CloseAsync().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Closed));
    }

    [Test]
    public async Task Rest_use_after_dispose_is_an_AblyException()
    {
        var rest = new AblyRest(Offline);
        var channel = rest.Channels.Get("x");
        rest.Dispose();
        await AblyCode(() => rest.TimeAsync(), "TimeAsync");
        await AblyCode(() => channel.PublishAsync("a", "b"), "REST PublishAsync");
        await AblyCode(() => channel.HistoryAsync(), "REST HistoryAsync");
        await AblyCode(() => rest.Auth.RequestTokenAsync(), "RequestTokenAsync");
    }
}
