using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using MessagePack;

namespace Reliably.Rx.Benchmarks.EndToEnd;

/// <summary>
/// A bare Ably-protocol WebSocket client for measuring the emulator's own ceiling: frames are built by hand (JSON text
/// or msgpack via <see cref="MessagePackWriter"/>), sent one per WebSocket message over a hand-built WebSocket
/// (<see cref="RawWebSocket"/>), and received frames are only scanned for the fields the benchmark needs (action,
/// msgSerial, count, number of messages). No Reliably.Rx code is involved.
/// </summary>
internal sealed class RawWebSocketClient : IAsyncDisposable
{
    public const int ActionAck = 1;
    public const int ActionConnected = 4;
    public const int ActionAttach = 10;
    public const int ActionAttached = 11;
    public const int ActionMessage = 15;

    private readonly RawWebSocket _socket;
    private readonly bool _binary;
    private readonly ArrayBufferWriter<byte> _send = new(512);

    private RawWebSocketClient(RawWebSocket socket, string format)
    {
        _socket = socket;
        _binary = format == "msgpack";
    }

    public static async Task<RawWebSocketClient> ConnectAsync(int port, string key, string format, CancellationToken cancellationToken)
    {
        var socket = await RawWebSocket.ConnectAsync(port, $"/?key={Uri.EscapeDataString(key)}&format={format}&v=5&echo=false&heartbeats=true", cancellationToken).ConfigureAwait(false);
        var client = new RawWebSocketClient(socket, format);
        var frame = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        if (frame.Action != ActionConnected)
        {
            throw new InvalidOperationException($"Expected CONNECTED, got action {frame.Action}.");
        }

        return client;
    }

    public async Task AttachAsync(string channel, CancellationToken cancellationToken)
    {
        _send.ResetWrittenCount();
        if (_binary)
        {
            var writer = new MessagePackWriter(_send);
            writer.WriteMapHeader(2);
            writer.Write("action");
            writer.Write(ActionAttach);
            writer.Write("channel");
            writer.Write(channel);
            writer.Flush();
        }
        else
        {
            Encoding.UTF8.GetBytes($"{{\"action\":{ActionAttach},\"channel\":{JsonSerializer.Serialize(channel)}}}", _send);
        }

        await FlushAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var frame = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (frame.Action == ActionAttached)
            {
                return;
            }
        }
    }

    /// <summary>Sends one MESSAGE frame with one message (name "m", string data). Not thread-safe: one sender.</summary>
    public ValueTask PublishAsync(string channel, long msgSerial, string data, CancellationToken cancellationToken)
    {
        _send.ResetWrittenCount();
        if (_binary)
        {
            var writer = new MessagePackWriter(_send);
            writer.WriteMapHeader(4);
            writer.Write("action");
            writer.Write(ActionMessage);
            writer.Write("channel");
            writer.Write(channel);
            writer.Write("msgSerial");
            writer.Write(msgSerial);
            writer.Write("messages");
            writer.WriteArrayHeader(1);
            writer.WriteMapHeader(2);
            writer.Write("name");
            writer.Write("m");
            writer.Write("data");
            writer.Write(data);
            writer.Flush();
        }
        else
        {
            // Written as bytes: channel and data are plain ASCII without quotes or backslashes here, so need no escaping.
            Append("{\"action\":15,\"channel\":\""u8);
            Encoding.ASCII.GetBytes(channel, _send);
            Append("\",\"msgSerial\":"u8);
            Utf8Formatter.TryFormat(msgSerial, _send.GetSpan(20), out var digits);
            _send.Advance(digits);
            Append(",\"messages\":[{\"name\":\"m\",\"data\":\""u8);
            Encoding.ASCII.GetBytes(data, _send);
            Append("\"}]}"u8);
        }

        return FlushAsync(cancellationToken);
    }

    private void Append(ReadOnlySpan<byte> bytes) => _send.Write(bytes);

    private ValueTask FlushAsync(CancellationToken cancellationToken) =>
        _socket.SendAsync(_send.WrittenSpan, _binary, cancellationToken);

    /// <summary>Receives one whole frame and scans it. Not thread-safe: one receiver.</summary>
    public async ValueTask<RawFrame> ReceiveAsync(CancellationToken cancellationToken)
    {
        var payload = await _socket.ReceiveAsync(cancellationToken).ConfigureAwait(false);
        return _binary ? ScanMsgPack(payload) : ScanJson(payload.Span);
    }

    private static RawFrame ScanJson(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        var frame = default(RawFrame);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("action"u8))
            {
                reader.Read();
                frame.Action = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("msgSerial"u8))
            {
                reader.Read();
                frame.MsgSerial = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("count"u8))
            {
                reader.Read();
                frame.Count = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("messages"u8))
            {
                reader.Read();
                var depth = reader.CurrentDepth;
                while (reader.Read() && reader.CurrentDepth > depth)
                {
                    if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == depth + 1)
                    {
                        frame.Messages++;
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return frame;
    }

    private static RawFrame ScanMsgPack(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        var frame = default(RawFrame);
        var entries = reader.ReadMapHeader();
        for (var i = 0; i < entries; i++)
        {
            var name = reader.ReadString();
            switch (name)
            {
                case "action":
                    frame.Action = reader.ReadInt32();
                    break;
                case "msgSerial":
                    frame.MsgSerial = reader.ReadInt64();
                    break;
                case "count":
                    frame.Count = reader.ReadInt32();
                    break;
                case "messages":
                    frame.Messages = reader.ReadArrayHeader();
                    for (var m = 0; m < frame.Messages; m++)
                    {
                        reader.Skip();
                    }

                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _socket.CloseAsync(cts.Token).ConfigureAwait(false);
        _socket.Dispose();
    }
}

/// <summary>The scanned fields of one received frame.</summary>
internal struct RawFrame
{
    public int Action;
    public long MsgSerial;
    public int Count;
    public int Messages;
}
