using Microsoft.Extensions.Logging;
using Reliably.Rx.Emulator.Tests.Support;

namespace Reliably.Rx.Emulator.Tests.Realtime;

/// <summary>
/// A resume that overtakes the server's handling of the lost transport (RTN15c6, RTL4c1): the thread that noticed the
/// loss is preempted after it unbound the transport, the client resumes and re-attaches meanwhile, then the thread goes
/// on to end the lost transport's attachments. Only those may end: the re-attached channel keeps receiving.
/// </summary>
[NonParallelizable]
public sealed class ResumeRaceTests : EmulatorTestBase
{
    private readonly HookedLoggerFactory _logs = new();

    protected override EmulatorOptions Options => base.Options with { LoggerFactory = _logs };

    [TestCase(false)]
    [TestCase(true)]
    public async Task RTN15c6_a_resume_and_reattach_before_the_lost_transport_is_cleaned_up_keeps_receiving(bool msgpack)
    {
        var channel = Unique("resume-race");
        var (client, connected) = await ConnectedAsync(msgpack);
        await using var _c = client;
        var (publisher, _) = await ConnectedAsync();
        await using var _p = publisher;
        await client.SendAsync(Frames.AttachFrame(channel));
        var attached = await client.ReceiveActionAsync(Frames.Attached, channel);

        var id = connected.Value<string>("connectionId")!;
        var key = connected["connectionDetails"]!.Value<string>("connectionKey")!;
        var session = Emulator.Server.Sessions.Find(id)!;
        var lost = session.Transport!;
        WsClient? resumed = null;

        // The preemption: the log line between unbinding the transport and ending its attachments is where the resume
        // and the re-attach happen, on this thread, before the lost transport's clean-up goes on.
        _logs.OnEvent = (eventId, message) =>
        {
            if (eventId.Name != "TransportLost" || !message.Contains(id, StringComparison.Ordinal))
            {
                return;
            }

            _logs.OnEvent = null;
            resumed = WsClient.ConnectWithKeyAsync(Emulator.BaseUri, Emulator.DefaultKey, msgpack, "&resume=" + Uri.EscapeDataString(key)).GetAwaiter().GetResult();
            var reconnected = resumed.ReceiveActionAsync(Frames.Connected).GetAwaiter().GetResult();
            Assert.That(reconnected.Value<string>("connectionId"), Is.EqualTo(id), "resumed");
            resumed.SendAsync(Frames.AttachFrame(channel, channelSerial: attached.Value<string>("channelSerial"))).GetAwaiter().GetResult();
            var reattached = resumed.ReceiveActionAsync(Frames.Attached, channel).GetAwaiter().GetResult();
            Assert.That(reattached.Value<int>("flags") & Frames.Resumed, Is.EqualTo(Frames.Resumed));
        };
        session.OnTransportLost(lost);
        Assert.That(resumed, Is.Not.Null, "the resume ran inside the clean-up");
        await using var _r = resumed!;

        await publisher.SendAsync(Frames.Publish(channel, 0, Frames.Msg("after the race")));
        var live = await resumed!.ReceiveActionAsync(Frames.Message, channel);
        Assert.That(live["messages"]![0]!.Value<string>("name"), Is.EqualTo("after the race"));
    }

    /// <summary>A logger factory whose loggers call a hook for every event logged.</summary>
    private sealed class HookedLoggerFactory : ILoggerFactory, ILogger
    {
        public volatile Action<EventId, string>? OnEvent;

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            OnEvent?.Invoke(eventId, formatter(state, exception));
    }
}
