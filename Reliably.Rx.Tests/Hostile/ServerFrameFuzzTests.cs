using System.Buffers;
using System.Globalization;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Channels;
using Reliably.Rx.Tests.Serialization;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>
/// A seeded fuzzer plays a hostile server through the fake transport, in virtual time: random ProtocolMessages (random
/// actions, fields, channels, serials) and random byte mutations of valid JSON and msgpack frames. The client must
/// never throw out of its loop or into a subscriber, must still answer PingAsync, state queries and CloseAsync
/// afterwards, and must end in a documented state (docs/reliability.md) with an ErrorInfo where the state needs one.
/// Replay a failing seed with RELIABLY_RX_FUZZ_SEED.
/// </summary>
[TestFixture]
[Category("Hostile")]
public sealed class ServerFrameFuzzTests
{
    private const int FramesPerRun = 400;

    private static IEnumerable<int> Seeds()
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("RELIABLY_RX_FUZZ_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var replay))
        {
            yield return replay;
            yield break;
        }

        for (var seed = 1; seed <= 12; seed++)
        {
            yield return seed;
        }
    }

    [TestCaseSource(nameof(Seeds))]
    public async Task Random_protocol_messages_never_break_the_loop_or_a_subscriber(int seed)
    {
        TestContext.Progress.WriteLine($"[fuzz] protocol messages, seed {seed}");
        using var generator = ProtocolGen.Stream(ProtocolGen.ProtocolMessage, seed).GetEnumerator();
        var rng = new Random(seed);
        await RunAsync(rng, () =>
        {
            generator.MoveNext();
            var pm = generator.Current;
            pm.Channel = rng.Next(3) switch { 0 => "chat", 1 => "unknown-" + rng.Next(5), _ => pm.Channel };
            return pm;
        });
    }

    [TestCaseSource(nameof(Seeds))]
    public async Task Mutated_json_and_msgpack_frames_never_break_the_loop_or_a_subscriber(int seed)
    {
        TestContext.Progress.WriteLine($"[fuzz] byte mutations, seed {seed}");
        var rng = new Random(seed);
        var codecs = new[] { ProtocolCodecs.For(WireFormat.Json), ProtocolCodecs.For(WireFormat.MsgPack) };
        var valid = ValidFrames().SelectMany(pm => codecs.Select(c => (Codec: c, Bytes: Encode(c, pm)))).ToList();
        var nonAbly = new List<string>();
        await RunAsync(rng, () =>
        {
            var (codec, bytes) = valid[rng.Next(valid.Count)];
            var mutated = Mutate(rng, bytes);

            // Exactly what WebSocketTransport does with a frame: decode off the loop, anything undecodable is a FrameError.
            try
            {
                return codec.ReadProtocolMessage(mutated);
            }
            catch (AblyException ex)
            {
                return ex.ErrorInfo;
            }
            catch (Exception ex)
            {
                nonAbly.Add(codec.Format + ": " + ex.GetType().Name + ": " + ex.Message);
                return new ErrorInfo(ErrorCodes.BadRequest, 400, "Malformed frame: " + ex.GetType().Name);
            }
        });
        Assert.That(nonAbly, Is.Empty, "codecs throw only AblyException for malformed input");
    }

    private static IEnumerable<ProtocolMessage> ValidFrames()
    {
        yield return new ProtocolMessage(ProtocolAction.Message, "chat")
        {
            Id = "pub:1",
            ChannelSerial = "cs-1",
            ConnectionId = "pub",
            Timestamp = 1_700_000_000_000,
            Messages = [new Message("greeting", "hello") { Id = "pub:1:0" }, new Message("bin", new byte[] { 1, 2, 3 }) { Id = "pub:1:1" }, new Message("json", "{\"a\":1}") { Encoding = "json" }],
        };
        yield return new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 };
        yield return new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 3, Error = new ErrorInfo(40099, 400, "nack") };
        yield return new ProtocolMessage(ProtocolAction.Attached, "chat") { ChannelSerial = "cs-2", Flags = ProtocolFlags.Resumed };
        yield return new ProtocolMessage(ProtocolAction.Detached, "chat") { Error = new ErrorInfo(90198, 500, "detached") };
        yield return new ProtocolMessage(ProtocolAction.Heartbeat) { Id = "ping-1" };
        yield return new ProtocolMessage(ProtocolAction.Connected)
        {
            ConnectionId = "conn-1",
            ConnectionKey = "key-2",
            ConnectionDetails = ChannelHarness.QuietDetails with { ConnectionKey = "key-2" },
        };
        yield return new ProtocolMessage(ProtocolAction.Presence, "chat")
        {
            Presence = [new PresenceMessage { Action = PresenceAction.Enter, ClientId = "c1", ConnectionId = "pub", Id = "pub:2:0", Data = "here" }],
        };
        yield return new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(50000, 500, "boom") };
        yield return new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(80003, 503, "bye") };
    }

    private static byte[] Encode(IProtocolCodec codec, ProtocolMessage pm)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.WriteProtocolMessage(pm, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Mutate(Random rng, byte[] frame)
    {
        var bytes = frame.ToList();
        var edits = 1 + rng.Next(4);
        for (var i = 0; i < edits && bytes.Count > 0; i++)
        {
            switch (rng.Next(5))
            {
                case 0:
                    bytes[rng.Next(bytes.Count)] = (byte)rng.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(rng.Next(bytes.Count), 1);
                    break;
                case 2:
                    bytes.Insert(rng.Next(bytes.Count), (byte)rng.Next(256));
                    break;
                case 3:
                    var keep = rng.Next(bytes.Count);
                    bytes.RemoveRange(keep, bytes.Count - keep);
                    break;
                default:
                    var p = rng.Next(bytes.Count);
                    bytes[p] = (byte)(bytes[p] ^ (1 << rng.Next(8)));
                    break;
            }
        }

        return bytes.Count == 0 ? [0xc1] : bytes.ToArray();
    }

    /// <summary>Feeds frames (a ProtocolMessage, or an ErrorInfo for an undecodable one) and checks the invariants.</summary>
    private static async Task RunAsync(Random rng, Func<object> nextFrame)
    {
        await using var h = new ChannelHarness("chat");
        var validator = new SynchronizationValidator();
        var errors = new List<Exception>();
        var received = 0;
        var completed = false;
        using var subscription = validator.Wrap(h.Channel.Messages()).Subscribe(_ => received++, errors.Add, () => completed = true);
        using var presence = validator.Wrap(h.Channel.Presence.Events).Subscribe(_ => { }, errors.Add);
        using var states = h.H.Connection.StateChanges.Subscribe(_ => { }, errors.Add);
        await h.AttachNow();
        var publishes = new List<Task>();

        for (var i = 0; i < FramesPerRun; i++)
        {
            var transport = h.H.Transport;
            if (h.H.Connection.State == ConnectionState.Connecting && rng.Next(3) == 0)
            {
                // Let some reconnects succeed so later frames hit a connected client again.
                transport.Connected("conn-" + i, "key-" + i, ChannelHarness.QuietDetails);
            }

            switch (nextFrame())
            {
                case ProtocolMessage pm:
                    transport.Receive(pm);
                    break;
                case ErrorInfo error:
                    transport.ReceiveMalformed(error.Message);
                    break;
            }

            if (rng.Next(10) == 0 && h.Channel.State is not (ChannelState.Failed or ChannelState.Suspended))
            {
                // User commands interleave with the hostile frames; their outcomes are checked below.
                publishes.Add(Observe(() => h.Channel.PublishAsync("p", i)));
            }

            h.Pump();
            if (rng.Next(4) == 0)
            {
                h.Advance(TimeSpan.FromMilliseconds(rng.Next(20_000)));
            }
        }

        AssertResponsiveAndDocumented(h);
        Assert.That(errors, Is.Empty, "no OnError on any public stream");
        Assert.That(validator.Overlaps, Is.Zero);
        Assert.That(completed, Is.False, "a message stream completes only on release or dispose");

        // Close settles every publish: acknowledged, NACKed or failed with an AblyException (never hangs, never other types).
        var close = h.H.Connection.CloseAsync();
        for (var i = 0; i < 10 && !close.IsCompleted; i++)
        {
            h.Pump();
            h.H.Transport.Receive(new ProtocolMessage(ProtocolAction.Closed));
            h.Advance(TimeSpan.FromSeconds(5));
        }

        Assert.That(close.IsCompleted, Is.True, "CloseAsync completes");
        Assert.That(h.H.Connection.State, Is.AnyOf(ConnectionState.Closed, ConnectionState.Failed));
        h.Pump();
        Assert.That(publishes.Select(p => p.IsCompleted), Is.All.True, "every publish settled");
        Assert.That(publishes.Where(p => p.IsFaulted).Select(p => p.Exception!.InnerException), Is.All.InstanceOf<AblyException>());
    }

    private static Task Observe(Func<Task> publish)
    {
        try
        {
            return publish();
        }
        catch (AblyException ex)
        {
            return Task.FromException(ex);
        }
    }

    internal static void AssertResponsiveAndDocumented(ChannelHarness h)
    {
        var connection = h.H.Connection;
        var state = connection.State;
        TestContext.Progress.WriteLine($"[fuzz]   ended {state} ({connection.ErrorReason?.Code} {connection.ErrorReason?.Message}); channel {h.Channel.State} ({h.Channel.ErrorReason?.Code})");
        // Closed only after the server's own CLOSED frame (it ended the connection); the rest as documented.
        Assert.That(state, Is.AnyOf(ConnectionState.Connected, ConnectionState.Connecting, ConnectionState.Disconnected, ConnectionState.Suspended, ConnectionState.Failed, ConnectionState.Closed));
        if (state is ConnectionState.Disconnected or ConnectionState.Suspended or ConnectionState.Failed)
        {
            // The server's ErrorInfo is passed through verbatim (a hostile server may send code 0); one always exists.
            Assert.That(connection.ErrorReason, Is.Not.Null, $"{state} carries the reason");
        }

        if (h.Channel.State is ChannelState.Failed or ChannelState.Suspended)
        {
            Assert.That(h.Channel.ErrorReason, Is.Not.Null, "a FAILED or SUSPENDED channel carries the reason");
        }

        // The loop still answers: a ping settles (pong, timeout or not-connected error) within virtual time.
        var ping = connection.PingAsync();
        h.Pump();
        if (h.H.Transport.SentOf(ProtocolAction.Heartbeat).LastOrDefault() is { Id: { } id } && connection.State == ConnectionState.Connected)
        {
            h.H.Transport.Receive(new ProtocolMessage(ProtocolAction.Heartbeat) { Id = id });
        }

        h.Advance(TimeSpan.FromSeconds(15));
        Assert.That(ping.IsCompleted, Is.True, "PingAsync settles: the loop is not deadlocked");
        if (ping.IsFaulted)
        {
            Assert.That(ping.Exception!.InnerException, Is.InstanceOf<AblyException>());
        }
    }
}
