using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Reliably.Rx.Samples.Shared;

namespace Reliably.Rx.Samples.Tour;

/// <summary>
/// The guided tour: connect, publish and subscribe, a LINQ pipeline, presence, history, encryption, and a reconnection
/// with a discontinuity that automatic backfill closes.
/// </summary>
public static class TourSample
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public sealed record Order(string Symbol, int Quantity, decimal Price);

    public static async Task RunAsync()
    {
        await using var env = await SampleEnvironment.StartAsync();

        Say.Title("1. Connect");
        await using var client = new AblyRealtime(env.Options(clientId: "tour-guide"));
        using var states = client.Connection.StateChanges.Subscribe(
            change => Say.Line(change.Previous == change.Current
                ? $"connection is {change.Current}"
                : $"connection: {change.Previous} -> {change.Current}{(change.Reason is null ? "" : " (" + change.Reason.Message + ")")}"),
            error => Say.Warn("state stream failed: " + error.Message));
        await client.Connection.WaitForStateAsync(ConnectionState.Connected, Wait);
        Say.Ok($"connected as {client.Connection.Id}; ping {(await client.Connection.PingAsync()).TotalMilliseconds:0.0} ms");

        await PublishAndSubscribe(env, client);
        await LinqPipeline(client);
        await PresenceAndHistory(env, client);
        await Encryption(env, client);
        await ReconnectionWithBackfill(env, client);

        Say.Title("Done");
        await client.Connection.CloseAsync();
        Say.Ok("connection closed");
    }

    private static async Task PublishAndSubscribe(SampleEnvironment env, AblyRealtime client)
    {
        Say.Title("2. Publish and subscribe");
        var channel = client.Channels.Get(SampleEnvironment.Channel("tour"));
        var three = channel.Messages().Take(3).ToList().ToTask();
        using var printer = channel.Messages().Subscribe(
            m => Say.Line($"received '{m.Name}': {Describe(m.Data)} from {m.ClientId}"),
            error => Say.Warn(error.Message));
        await channel.AttachAsync();

        await channel.PublishAsync("greeting", "hello from Reliably.Rx");
        await channel.PublishAsync("order", new Order("ACME", 250, 12.5m));
        await channel.PublishAsync("bytes", new byte[] { 0xde, 0xad, 0xbe, 0xef });
        var received = await three.WaitAsync(Wait);
        Say.Ok($"{received.Count} messages published (each acknowledged by the server) and received");
    }

    private static async Task LinqPipeline(AblyRealtime client)
    {
        Say.Title("3. A LINQ pipeline over the message stream");
        var channel = client.Channels.Get(SampleEnvironment.Channel("orders"));
        var bigOrders =
            from order in channel.Messages<Order>("order")
            where order.Quantity >= 100
            select $"{order.Symbol} x{order.Quantity} = {order.Quantity * order.Price:0.00}";
        var firstTwo = bigOrders.Take(2).ToList().ToTask();
        await channel.AttachAsync();

        var orders = new[] { new Order("ACME", 50, 10m), new Order("ACME", 150, 10.5m), new Order("GLOBEX", 10, 99m), new Order("GLOBEX", 400, 98m) };
        await channel.PublishAsync(orders.Select(o => new Message("order", o)));
        foreach (var line in await firstTwo.WaitAsync(Wait))
        {
            Say.Line("big order: " + line);
        }

        Say.Ok("typed data (Messages<Order>) filtered with LINQ");
    }

    private static async Task PresenceAndHistory(SampleEnvironment env, AblyRealtime client)
    {
        Say.Title("4. Presence and history");
        var name = SampleEnvironment.Channel("room");
        await using var visitor = await env.ConnectAsync(clientId: "visitor");
        var room = client.Channels.Get(name);
        using var members = room.Presence.Members.Subscribe(
            set => Say.Line($"members now: [{string.Join(", ", set.Select(m => m.ClientId).OrderBy(id => id))}]"),
            error => Say.Warn(error.Message));

        await room.Presence.EnterAsync("guiding");
        await visitor.Channels.Get(name).Presence.EnterAsync("looking around");
        var present = await room.Presence.Members.FirstAsync(set => set.Count == 2).ToTask().WaitAsync(Wait);
        Say.Ok($"{present.Count} members present");

        await room.PublishAsync(Enumerable.Range(1, 5).Select(i => new Message("note", $"note {i}")));
        var history = await room.HistoryAsync(new HistoryQuery { Limit = 3 });
        Say.Line($"history page: {string.Join(", ", history.Items.Select(m => m.Data))} (has next: {history.HasNext})");
        var presenceHistory = await room.Presence.HistoryAsync();
        Say.Ok($"history read; {presenceHistory.Items.Count} presence events on record");
    }

    private static async Task Encryption(SampleEnvironment env, AblyRealtime client)
    {
        Say.Title("5. Encryption (AES-256-CBC)");
        var name = SampleEnvironment.Channel("secret");
        var key = CipherParams.GenerateRandomKey();
        var encrypted = client.Channels.Get(name, new ChannelOptions { Cipher = new CipherParams(key) });
        await using var outsider = await env.ConnectAsync(clientId: "outsider");
        var withoutKey = outsider.Channels.Get(name);
        var seenByOutsider = withoutKey.Messages().FirstAsync().ToTask();
        var seenWithKey = encrypted.Messages().FirstAsync().ToTask();
        await withoutKey.AttachAsync();
        await encrypted.AttachAsync();

        await encrypted.PublishAsync("classified", "the eagle has landed");
        var plain = await seenWithKey.WaitAsync(Wait);
        var opaque = await seenByOutsider.WaitAsync(Wait);
        Say.Line($"with the key: '{plain.Data}'");
        Say.Line($"without the key: {Describe(opaque.Data)}, encoding '{opaque.Encoding}' left in place");
        Say.Ok("only holders of the key can read the payload");
    }

    private static async Task ReconnectionWithBackfill(SampleEnvironment env, AblyRealtime publisherClient)
    {
        Say.Title("6. A lost connection, a discontinuity, and automatic backfill");
        if (env.Emulator is null)
        {
            Say.Warn("skipped against real Ably: this step injects a fault into the embedded emulator");
            return;
        }

        const int total = 400;
        var name = SampleEnvironment.Channel("ticks");
        await using var subscriberClient = await env.ConnectAsync(clientId: "subscriber");
        var subscribed = subscriberClient.Channels.Get(name, new ChannelOptions { AutoBackfill = true });
        var received = new List<int>();
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var discontinuities = subscribed.Discontinuities.Subscribe(
            d => Say.Warn($"discontinuity: {d.Kind} ({d.Reason?.Code} {d.Reason?.Message}); backfilling: {d.Backfilling}"),
            error => Say.Warn(error.Message));
        using var subscription = subscribed.Messages().Subscribe(m =>
        {
            lock (received)
            {
                received.Add(int.Parse((string)m.Data!, System.Globalization.CultureInfo.InvariantCulture));
                if (received.Count % 100 == 0)
                {
                    Say.Progress("received", received.Count, total);
                }

                if (received.Count == total)
                {
                    allReceived.TrySetResult();
                }
            }
        });
        await subscribed.AttachAsync();

        var publisher = publisherClient.Channels.Get(name);
        for (var i = 0; i < total; i += 20)
        {
            await publisher.PublishAsync(Enumerable.Range(i, 20).Select(n => new Message("tick", n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
            if (i == 200)
            {
                // The server forgets the subscriber's connection and drops it: the resume fails (80008), the channel
                // re-attaches without continuity, and the messages published meanwhile come back from history.
                Say.Line("injecting a fault: the server forgets the subscriber's connection");
                env.Emulator.Faults.ForgetConnection(subscriberClient.Connection.Id!, dropTransport: true);
            }
        }

        await allReceived.Task.WaitAsync(Wait);
        lock (received)
        {
            var inOrder = received.SequenceEqual(Enumerable.Range(0, total));
            Say.Ok($"{received.Count} of {total} messages received, {(inOrder ? "in order, none duplicated" : "OUT OF ORDER")}");
        }
    }

    private static string Describe(object? data) => data switch
    {
        null => "null",
        string s => $"\"{s}\"",
        byte[] b => $"{b.Length} bytes",
        _ => data.ToString()!.Replace(Environment.NewLine, " ", StringComparison.Ordinal),
    };
}
