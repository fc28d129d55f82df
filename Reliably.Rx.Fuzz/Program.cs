using System.Buffers;
using Reliably.Rx;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using SharpFuzz;

// One target per process, chosen by the first argument. Under afl-fuzz (SharpFuzz's out-of-process mode) every input
// is one frame; anything but an AblyException of the 400xx family escapes and counts as a crash.
//   json | msgpack   the protocol codec reading a server frame, then the payload decoder on every message in it
//   payload          the payload decoder alone: [cipher byte][encoding, UTF-8][0x00][data bytes]
//   corpus DIR       writes seed inputs for the three targets under DIR/json, DIR/msgpack, DIR/payload
//   run TARGET FILE  runs one input without AFL (to replay a crash under a debugger)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: Reliably.Rx.Fuzz json|msgpack|payload | corpus DIR | run TARGET FILE");
    return 2;
}

switch (args[0])
{
    case "corpus":
        Corpus.Write(args.Length > 1 ? args[1] : "corpus");
        return 0;
    case "run":
        Targets.For(args[1])(File.ReadAllBytes(args[2]));
        Console.WriteLine("no crash");
        return 0;
    default:
        var target = Targets.For(args[0]);
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            target(memory.ToArray());
        });
        return 0;
}

internal static class Targets
{
    private static readonly CipherParams Key128 = new(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray());
    private static readonly CipherParams Key256 = new(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray());

    public static Action<byte[]> For(string name) => name switch
    {
        "json" => frame => Frame(ProtocolCodecs.Json, frame),
        "msgpack" => frame => Frame(ProtocolCodecs.MsgPack, frame),
        "payload" => Payload,
        _ => throw new ArgumentException($"unknown target '{name}'"),
    };

    private static void Frame(IProtocolCodec codec, byte[] frame)
    {
        ProtocolMessage pm;
        try
        {
            pm = codec.ReadProtocolMessage(frame);
        }
        catch (AblyException ex) when (ex.Code / 100 == 400)
        {
            return;
        }

        // What the loop does next with a frame that decoded: undo each payload's encoding, never throwing (RSL6b).
        foreach (var m in pm.Messages ?? [])
        {
            if (m is not null)
            {
                MessageEncoder.TryDecode(m, Key128, out _);
            }
        }

        foreach (var p in pm.Presence ?? [])
        {
            if (p is not null)
            {
                MessageEncoder.TryDecode(p, null, out _);
            }
        }

        // A frame that decoded must encode again.
        codec.WriteProtocolMessage(pm, new ArrayBufferWriter<byte>());
    }

    private static void Payload(byte[] input)
    {
        if (input.Length == 0)
        {
            return;
        }

        var cipher = (input[0] % 3) switch { 0 => null, 1 => Key128, _ => Key256 };
        var rest = input.AsSpan(1);
        var split = rest.IndexOf((byte)0);
        var encoding = split < 0 ? null : System.Text.Encoding.UTF8.GetString(rest[..split]);
        var bytes = split < 0 ? rest.ToArray() : rest[(split + 1)..].ToArray();
        object data = (input[0] & 4) == 0 ? bytes : System.Text.Encoding.UTF8.GetString(bytes);
        var error = MessageEncoder.TryDecode(new Message { Data = data, Encoding = encoding }, cipher, out _);
        if (error is not null && error.Code != ErrorCodes.InvalidMessageDataOrEncoding)
        {
            throw new InvalidOperationException($"payload decoder reported {error.Code}, not 40013");
        }
    }
}

internal static class Corpus
{
    public static void Write(string directory)
    {
        var frames = new[]
        {
            new ProtocolMessage(ProtocolAction.Connected) { ConnectionId = "c", ConnectionKey = "k", ConnectionDetails = new ConnectionDetails { MaxIdleInterval = TimeSpan.FromSeconds(15), ConnectionStateTtl = TimeSpan.FromMinutes(2) } },
            new ProtocolMessage(ProtocolAction.Message, "chat") { Id = "p:1", ChannelSerial = "s", Timestamp = 1_700_000_000_000, Messages = [new Message("n", "text") { Id = "p:1:0" }, new Message("b", new byte[] { 1, 2, 3 }), new Message("j", "{\"a\":[1,2.5,true,null]}") { Encoding = "json", Extras = Newtonsoft.Json.Linq.JObject.Parse("{\"headers\":{\"k\":\"v\"}}") }] },
            new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 3, Count = 2, Res = [new PublishResult { Serials = ["a", null] }] },
            new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 1, Error = new ErrorInfo(40160, 401, "denied") { Href = "https://help.ably.io/error/40160", Cause = new ErrorInfo(50000, 500, "inner") } },
            new ProtocolMessage(ProtocolAction.Sync, "chat") { ChannelSerial = "sync:cursor", Presence = [new PresenceMessage { Action = PresenceAction.Present, ClientId = "x", ConnectionId = "c", Id = "c:0:0", Data = "d" }] },
            new ProtocolMessage(ProtocolAction.Attached, "chat") { Flags = ProtocolFlags.Resumed | ProtocolFlags.HasPresence, Params = new Dictionary<string, string> { ["rewind"] = "1" } },
        };
        foreach (var (name, codec) in new[] { ("json", ProtocolCodecs.Json), ("msgpack", ProtocolCodecs.MsgPack) })
        {
            Directory.CreateDirectory(Path.Combine(directory, name));
            for (var i = 0; i < frames.Length; i++)
            {
                var buffer = new ArrayBufferWriter<byte>();
                codec.WriteProtocolMessage(frames[i], buffer);
                File.WriteAllBytes(Path.Combine(directory, name, $"seed-{i}"), buffer.WrittenSpan.ToArray());
            }
        }

        Directory.CreateDirectory(Path.Combine(directory, "payload"));
        File.WriteAllBytes(Path.Combine(directory, "payload", "seed-0"), [0, .. "json/base64"u8, 0, .. "eyJhIjoxfQ=="u8]);
        File.WriteAllBytes(Path.Combine(directory, "payload", "seed-1"), [5, .. "utf-8/cipher+aes-128-cbc/base64"u8, 0, .. "AAECAwQFBgcICQoLDA0ODw=="u8]);
        File.WriteAllBytes(Path.Combine(directory, "payload", "seed-2"), [2, .. "cipher+aes-256-cbc"u8, 0, .. new byte[32]]);
    }
}
