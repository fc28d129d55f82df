namespace Reliably.Rx.Tests.Http;

[TestFixture]
public sealed class DisposalTests
{
    [Test]
    public async Task DisposingDuringARequestFailsItWithAnAblyExceptionAndNoFallback()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new FakeHttpHandler(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return FakeHttpHandler.Json("[1]");
        });
        var rest = TestClients.Rest(handler);

        var call = rest.TimeAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await rest.DisposeAsync();

        var ex = Assert.ThrowsAsync<AblyException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.ConnectionClosed));
        Assert.That(handler.Requests, Has.Count.EqualTo(1), "no fallback after disposal");
    }

    [Test]
    public void RTN17i_RealtimePlansCanStartWithThePrimaryEvenWhileAFallbackIsPreferred()
    {
        var selector = new Reliably.Rx.Hosts.HostSelector("primary", new[] { "fb" }, TimeSpan.FromMinutes(10), new Microsoft.Reactive.Testing.TestScheduler());
        selector.RecordSuccess("fb", selector.GetPlan());

        Assert.That(selector.GetPlan().Hosts[0], Is.EqualTo("fb"));
        Assert.That(selector.GetPlan(primaryFirst: true).Hosts, Is.EqualTo(new[] { "primary", "fb" }));
    }
}
