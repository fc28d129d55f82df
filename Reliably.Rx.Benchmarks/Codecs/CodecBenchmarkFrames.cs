using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.Codecs;

/// <summary>
/// The frames the codec benchmarks use: a server MESSAGE ProtocolMessage (action 15) as the realtime loop receives it,
/// with N messages of ~100 bytes of string data each.
/// </summary>
internal static class CodecBenchmarkFrames
{
    public const int DataLength = 100;

    public static IProtocolCodec Codec(string format) => format switch
    {
        "json" => ProtocolCodecs.Json,
        "msgpack" => ProtocolCodecs.MsgPack,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "json or msgpack"),
    };

    public static ProtocolMessage MessageFrame(int messageCount, int dataLength = DataLength)
    {
        var data = new string('x', Math.Max(0, dataLength - 10)) + "0123456789";
        var messages = new Message[messageCount];
        for (var i = 0; i < messageCount; i++)
        {
            messages[i] = new Message("price-update", data)
            {
                Id = "conn1:42:" + i,
                ClientId = "client-1",
                ConnectionId = "conn1",
                Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(1_712_345_678_901 + i),
                Serial = "01712345678901-000@srv0:" + i,
                Action = MessageAction.Create,
            };
        }

        return new ProtocolMessage(ProtocolAction.Message, "bench:channel")
        {
            Id = "conn1:42",
            ChannelSerial = "01712345678901-000@srv0:99",
            ConnectionId = "conn1",
            Timestamp = 1_712_345_678_901,
            Messages = messages,
        };
    }
}
