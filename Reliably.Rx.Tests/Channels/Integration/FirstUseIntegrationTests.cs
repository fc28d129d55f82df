namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// What a new user hits first, against the emulator, repeated so that a timing-dependent outcome shows: the README's
/// subscribe-then-publish on a new client (RTL4i ordering), and a wrong key secret (the server's 40101, always).
/// </summary>
[TestFixture]
[Category("Integration")]
[NonParallelizable]
public sealed class FirstUseIntegrationTests : RealtimeEmulatorFixture
{
    private const int Runs = 12;

    [TestCaseSource(nameof(Formats))]
    public async Task RTL4i_RTL7g_a_new_client_that_subscribes_and_publishes_at_once_receives_its_own_message_every_time(string format)
    {
        for (var run = 0; run < Runs; run++)
        {
            await using var client = new AblyRealtime(Options(format));
            var channel = client.Channels.Get(UniqueChannel("first-use"));
            var collector = new MessageCollector();
            using var subscription = channel.Messages("tick").Subscribe(collector);
            await channel.PublishAsync("tick", "ACME 101.25").WaitAsync(Wait);

            await collector.WaitForCountAsync(1, Wait);
            Assert.That(collector.Messages.Single().Data, Is.EqualTo("ACME 101.25"), $"run {run}");
        }
    }

    [TestCase("json", false)]
    [TestCase("json", true)]
    [TestCase("msgpack", false)]
    [TestCase("msgpack", true)]
    public async Task RTN7e_RTL6c4_a_wrong_key_secret_fails_a_publish_with_the_servers_40101_every_time(string format, bool afterFailed)
    {
        for (var run = 0; run < Runs; run++)
        {
            var key = Emulator.DefaultKey[..(Emulator.DefaultKey.IndexOf(':') + 1)] + "wrong-secret";
            await using var client = new AblyRealtime(Options(format) with { Key = key });
            var channel = client.Channels.Get(UniqueChannel("wrong-key"));
            if (afterFailed)
            {
                await client.Connection.WaitForStateAsync(ConnectionState.Failed, Wait).ContinueWith(_ => { });
            }

            var ex = Assert.ThrowsAsync<AblyException>(async () => await channel.PublishAsync("tick", "x").WaitAsync(Wait));
            Assert.That(ex!.Code, Is.EqualTo(ErrorCodes.InvalidCredentials), $"run {run}: {ex.Message}");
            Assert.That(ex.ErrorInfo.Href, Does.Contain("40101"), "with the server's href");
        }
    }
}
