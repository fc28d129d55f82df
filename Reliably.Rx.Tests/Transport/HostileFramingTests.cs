using System.Text;
using Reliably.Rx.Transport;
using static Reliably.Rx.Tests.Transport.ServerFrames;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// Legal but awkward framing from the server, against both transports: a message in continuation frames with a ping
/// between them, a frame whose bytes arrive one per TCP segment, a small payload with a 64-bit length, a message larger
/// than any pooled buffer. Each arrives whole, once, in order, with its kind; the connection stays open.
/// </summary>
[TestFixture]
public sealed class HostileFramingTests : HostileServerTestBase
{
    [TestCaseSource(nameof(Transports))]
    public async Task A_text_message_in_continuation_frames_with_a_ping_between_them_arrives_whole_and_the_ping_is_answered(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // "héllo wörld" cut inside a two-byte UTF-8 sequence: a fragment need not end on a character.
        var text = Encoding.UTF8.GetBytes("héllo wörld");
        await connection.WriteAsync(Frame(ServerFrames.Text, text.AsSpan(0, 2), fin: false));
        await connection.WriteAsync(Frame(Ping, "p1"u8));
        await connection.WriteAsync(Frame(Continuation, text.AsSpan(2, 6), fin: false));
        await connection.WriteAsync(Frame(Continuation, text.AsSpan(8), fin: true));
        await connection.WriteAsync(TextFrame("after"));

        var frames = await listener.WaitForFramesAsync(2).WaitAsync(Wait);
        Assert.That(frames.Select(f => Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { "héllo wörld", "after" }));
        Assert.That(frames.Select(f => f.Kind), Is.All.EqualTo(TransportFrameKind.Text));
        var pong = await connection.ReadFrameAsync().WaitAsync(Wait);
        Assert.That(pong, Is.Not.Null);
        Assert.That(pong!.Opcode, Is.EqualTo(Pong));
        Assert.That(pong.Payload, Is.EqualTo("p1"u8.ToArray()));

        await EndAsync(sut, listener, connection);
        Assert.That(listener.Frames, Has.Count.EqualTo(2));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_binary_message_in_continuation_frames_with_a_ping_between_them_arrives_whole(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        var payload = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        await connection.WriteAsync([.. Frame(ServerFrames.Binary, payload.AsSpan(0, 3000), fin: false), .. Frame(Ping, []), .. Frame(Continuation, payload.AsSpan(3000, 5000), fin: false)]);
        await connection.WriteAsync(Frame(Continuation, payload.AsSpan(8000), fin: true));

        var frames = await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Is.EqualTo(payload));
        Assert.That(frames[0].Kind, Is.EqualTo(TransportFrameKind.Binary));
        await EndAsync(sut, listener, connection);
        Assert.That(listener.Frames, Has.Count.EqualTo(1));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_ping_and_an_unsolicited_pong_at_rest_deliver_nothing_and_the_ping_is_answered(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // The idle receive loop waits with a zero-byte read: control frames are handled under it, not delivered.
        await connection.WriteAsync(Frame(Ping, "idle"u8));
        var pong = await connection.ReadFrameAsync();
        Assert.That(pong?.Opcode, Is.EqualTo(Pong));
        Assert.That(pong!.Payload, Is.EqualTo("idle"u8.ToArray()));
        await connection.WriteAsync([.. Frame(Pong, "unasked"u8), .. TextFrame("data")]);

        var frames = await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        Assert.That(frames.Select(f => Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { "data" }));
        await EndAsync(sut, listener, connection);
        Assert.That(listener.Frames, Has.Count.EqualTo(1));
    }

    [TestCaseSource(nameof(Transports))]
    public async Task Frames_whose_bytes_arrive_one_per_TCP_segment_arrive_whole_and_in_order(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        var medium = Enumerable.Range(0, 300).Select(i => (byte)(i * 7)).ToArray();
        await connection.WriteBytewiseAsync([.. TextFrame("one"), .. Frame(ServerFrames.Binary, medium), .. Frame(ServerFrames.Binary, "x"u8, longLength: true)]);

        var frames = await listener.WaitForFramesAsync(3).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Is.EqualTo("one"u8.ToArray()));
        Assert.That(frames[1].Bytes, Is.EqualTo(medium));
        Assert.That(frames[2].Bytes, Is.EqualTo("x"u8.ToArray()));
        await EndAsync(sut, listener, connection);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_small_payload_with_a_64_bit_length_arrives(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync([.. Frame(ServerFrames.Text, "tiny"u8, longLength: true), .. Frame(ServerFrames.Binary, [], longLength: true)]);

        var frames = await listener.WaitForFramesAsync(2).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Is.EqualTo("tiny"u8.ToArray()));
        Assert.That(frames[1].Bytes, Is.Empty);
        Assert.That(frames[1].Kind, Is.EqualTo(TransportFrameKind.Binary));
        await EndAsync(sut, listener, connection);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_1_MB_message_between_small_ones_arrives_whole_and_in_order(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // Larger than the receive loop's first buffer by far: it grows by doubling, then goes back to the pool.
        var large = new byte[1024 * 1024];
        new Random(34).NextBytes(large);
        await connection.WriteAsync([.. TextFrame("before"), .. Frame(ServerFrames.Binary, large), .. TextFrame("after")]);

        var frames = await listener.WaitForFramesAsync(3).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Is.EqualTo("before"u8.ToArray()));
        Assert.That(frames[1].Bytes, Is.EqualTo(large));
        Assert.That(frames[2].Bytes, Is.EqualTo("after"u8.ToArray()));
        await EndAsync(sut, listener, connection);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_message_over_the_receive_limit_ends_the_connection_with_a_reason_instead_of_growing_the_buffer(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // A frame announcing 1 TB (a 64-bit length), of which one byte more than the limit is sent, 1 MB per write.
        await connection.WriteAsync(Header(ServerFrames.Binary, 1L << 40));
        var chunk = new byte[1024 * 1024];
        try
        {
            for (var sent = 0; sent <= FrameReader.MaxMessageLength; sent += chunk.Length)
            {
                await connection.WriteAsync(chunk);
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The client ended the connection first: its report says why.
        }

        var reason = await AssertLossReportedAsync(listener, reasonContains: "over");
        Assert.That(reason.Message, Does.Contain(FrameReader.MaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await EndAsync(sut, listener, connection);
        Assert.That(listener.Frames, Is.Empty);
    }

    [TestCaseSource(nameof(Transports))]
    public async Task A_message_of_exactly_the_receive_limit_in_fragments_arrives_whole(RealtimeTransportKind transport)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        // 64 fragments of 1 MB: the limit applies to the reassembled message, and a message at the limit is accepted.
        var chunk = new byte[FrameReader.MaxMessageLength / 64];
        chunk.AsSpan().Fill(7);
        for (var i = 0; i < 64; i++)
        {
            await connection.WriteAsync(Frame(i == 0 ? ServerFrames.Binary : Continuation, chunk, fin: i == 63));
        }

        var frames = await listener.WaitForFramesAsync(1).WaitAsync(Wait);
        Assert.That(frames[0].Bytes, Has.Length.EqualTo(FrameReader.MaxMessageLength));
        Assert.That(frames[0].Bytes.All(b => b == 7), Is.True);
        await EndAsync(sut, listener, connection);
    }
}
