using Reliably.Rx.Transport;
using static Reliably.Rx.Tests.Transport.ServerFrames;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// RFC 6455 protocol errors from the server, against both transports. The runtime's WebSocket detects them (these tests
/// show its behaviour through what the client reports): the connection ends with one report naming the error (RTN15a:
/// a loss), the frame in error and anything after it never reach the listener, the frames before it do, and the client
/// tells the server why with a close frame (1002 protocol error, 1007 invalid payload data) before it lets go.
/// </summary>
[TestFixture]
public sealed class HostileProtocolErrorTests : HostileServerTestBase
{
    private static readonly object[] Errors =
    [
        .. Cases("a masked frame", Frame(ServerFrames.Text, "masked"u8, masked: true), 1002),
        .. Cases("a reserved bit set", Frame(ServerFrames.Text, "rsv"u8, rsv: 0b010), 1002),
        .. Cases("an unknown opcode", Frame(0x3, "?"u8), 1002),
        .. Cases("a ping over 125 bytes", Frame(Ping, new byte[126]), 1002),
        .. Cases("a fragmented ping", Frame(Ping, "p"u8, fin: false), 1002),
        .. Cases("a continuation with no message", Frame(Continuation, "c"u8), 1002),
        .. Cases("a new message inside a fragmented one", [.. Frame(ServerFrames.Text, "a"u8, fin: false), .. Frame(ServerFrames.Text, "b"u8)], 1002),
        .. Cases("invalid UTF-8 in a text frame", Frame(ServerFrames.Text, [0x61, 0xC3, 0x28]), 1007),
        .. Cases("a close code that is not allowed", CloseFrame(1005), 1002),
        .. Cases("a close code under 1000", CloseFrame(999), 1002),
        .. Cases("a close body of one byte", Frame(Close, [0x03]), 1002),
    ];

    [TestCaseSource(nameof(Errors))]
    public async Task A_protocol_error_ends_the_connection_once_with_a_reason_and_the_runtime_sends_its_close_code(RealtimeTransportKind transport, string error, byte[] bytes, int closeCode)
    {
        await using var server = HostileServer.Start();
        var listener = new RecordingTransportListener();
        var (sut, connection) = await OpenAsync(transport, server, listener);
        using var _ = sut;

        await connection.WriteAsync([.. TextFrame("before"), .. bytes, .. TextFrame("after")]);

        var (_, clientFrames) = await AssertLostOnceAsync(sut, listener, connection);
        Assert.That(listener.Frames.Select(f => System.Text.Encoding.UTF8.GetString(f.Bytes)), Is.EqualTo(new[] { "before" }), error);
        Assert.That(clientFrames.Where(f => f.Opcode == Close).Select(f => f.CloseCode), Is.EqualTo(new int?[] { closeCode }), error);
    }

    private static IEnumerable<object[]> Cases(string error, byte[] bytes, int closeCode) =>
        Transports.Select(t => new object[] { t, error, bytes, closeCode });
}
