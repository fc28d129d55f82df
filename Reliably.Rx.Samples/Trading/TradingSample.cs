using System.Globalization;
using System.Reactive.Linq;
using Reliably.Rx.Samples.Shared;

namespace Reliably.Rx.Samples.Trading;

/// <summary>
/// A trading screen: a feed publishes price ticks for several symbols; the screen shows each symbol's latest price at
/// most four times a second (Sample), and flags a burst of activity once it calms down (Throttle).
/// </summary>
public static class TradingSample
{
    public sealed record Tick(string Symbol, decimal Price, long Sequence);

    public static async Task RunAsync()
    {
        await using var env = await SampleEnvironment.StartAsync();
        await using var feed = await env.ConnectAsync(clientId: "feed");
        await using var screen = await env.ConnectAsync(clientId: "screen");
        var name = SampleEnvironment.Channel("prices");
        var prices = screen.Channels.Get(name);
        await prices.AttachAsync();

        Say.Title("Trading: latest price per symbol, sampled every 250 ms");
        var ticks = prices.Messages<Tick>("tick").Publish().RefCount();
        var latestPerSymbol = ticks
            .GroupBy(t => t.Symbol)
            .SelectMany(symbol => symbol.Sample(TimeSpan.FromMilliseconds(250)));
        var quietAfterBurst = ticks.Throttle(TimeSpan.FromMilliseconds(400));
        var received = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        const int total = 3_000;

        using var counting = ticks.Subscribe(_ =>
        {
            if (Interlocked.Increment(ref received) == total)
            {
                done.TrySetResult();
            }
        }, error => done.TrySetException(error));
        using var screenLines = latestPerSymbol.Subscribe(
            t => Say.Line($"{t.Symbol,-6} {t.Price,10:0.0000}   (tick #{t.Sequence})"),
            error => Say.Warn(error.Message));
        using var calm = quietAfterBurst.Subscribe(
            t => Say.Line($"-- market quiet; last tick {t.Symbol} {t.Price:0.0000} --"),
            error => Say.Warn(error.Message));

        var random = new Random(42);
        var price = new Dictionary<string, decimal> { ["ACME"] = 100m, ["GLOBEX"] = 250m, ["INITECH"] = 42m };
        var channel = feed.Channels.Get(name);
        for (var batch = 0; batch < total / 100; batch++)
        {
            var messages = Enumerable.Range(batch * 100, 100).Select(i =>
            {
                var symbol = price.Keys.ElementAt(i % price.Count);
                price[symbol] += (decimal)(random.NextDouble() - 0.5) * 0.1m;
                return new Message("tick", new Tick(symbol, price[symbol], i));
            });
            await channel.PublishAsync(messages);

            // A realistic feed spreads its ticks out; a short pause between batches gives Sample something to sample.
            await Task.Delay(TimeSpan.FromMilliseconds(40));
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Say.Ok($"{received.ToString(CultureInfo.InvariantCulture)} ticks received; the screen redrew only a few times a second");
    }
}
