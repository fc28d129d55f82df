using System.Diagnostics.Metrics;
using Reliably.Rx.Protocol;

namespace Reliably.Rx.Tests.Channels;

/// <summary>The channel records into <see cref="ReliablyRxDiagnostics"/>: messages received and published, discontinuities.</summary>
[TestFixture]
public sealed class ChannelDiagnosticsTests
{
    [Test]
    public async Task Received_published_and_discontinuity_counters_are_tagged_with_the_channel()
    {
        var name = "diag-" + Guid.NewGuid().ToString("N");
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ReliablyRxDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "channel" && (string?)tag.Value == name)
                {
                    lock (totals)
                    {
                        totals[instrument.Name] = totals.GetValueOrDefault(instrument.Name) + value;
                    }
                }
            }
        });
        listener.Start();

        await using var c = new ChannelHarness(name);
        using var subscription = c.Subscribe();
        c.Pump();
        c.Receive(c.Attached("a-1"));
        c.Receive(c.MessageFrame("m", "s-1", new Message("a", "1"), new Message("b", "2")));
        c.Receive(c.Attached("a-2"));
        var publish = c.Channel.PublishAsync(new[] { new Message("x", "1"), new Message("y", "2"), new Message("z", "3") });
        c.Pump();
        c.Receive(new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = c.Sent(ProtocolAction.Message).Single().MsgSerial, Count = 1 });
        await publish.WaitAsync(TimeSpan.FromSeconds(5));

        lock (totals)
        {
            Assert.That(totals.GetValueOrDefault("reliably_rx.messages.received"), Is.EqualTo(2));
            Assert.That(totals.GetValueOrDefault("reliably_rx.messages.published"), Is.EqualTo(3));
            Assert.That(totals.GetValueOrDefault("reliably_rx.channel.discontinuities"), Is.EqualTo(1));
        }
    }
}
