using System.Buffers;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;
using Reliably.Rx.Tests.Channels;
using Reliably.Rx.Tests.Serialization;

namespace Reliably.Rx.Tests.Hostile;

/// <summary>
/// Seeded server frames for the fuzzers, as bytes in one wire format: ProtocolMessages from the CsCheck generators
/// (<see cref="ProtocolGen"/>, aimed at the client's channel a third of the time), typical frames of a session (ACK, NACK,
/// ATTACHED, SYNC, CONNECTED...), and byte-level mutations of both (bit flips, random bytes, insertions, deletions,
/// truncations, repeated and spliced runs, msgpack length markers). The same seed gives the same frames.
/// </summary>
internal sealed class FrameFuzzer
{
    // msgpack markers whose length fields make a reader trust the next bytes: str32, bin32, array32, map32, ext32, never-used.
    private static readonly byte[] Markers = [0xdb, 0xc6, 0xdd, 0xdf, 0xc9, 0xc1, 0xdc, 0xde, 0xda, 0xc5, 0xcf, 0xd3];
    private static readonly byte[][] JsonTokens = ["{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(), "\""u8.ToArray(), ":"u8.ToArray(), "\\u"u8.ToArray(), "1e999"u8.ToArray(), "null"u8.ToArray(), "-"u8.ToArray()];

    private readonly Random _rng;
    private readonly IEnumerator<ProtocolMessage> _generated;
    private readonly IProtocolCodec _codec;
    private readonly List<byte[]> _typical;
    private byte[] _previous = [];

    public FrameFuzzer(int seed, WireFormat format, string channel)
    {
        _rng = new Random(seed);
        _generated = ProtocolGen.Stream(ProtocolGen.ProtocolMessage, seed).GetEnumerator();
        _codec = ProtocolCodecs.For(format);
        Channel = channel;
        _typical = TypicalFrames(channel).Select(Encode).ToList();
    }

    public string Channel { get; }

    public IProtocolCodec Codec => _codec;

    /// <summary>Counts of frames by kind, for the report.</summary>
    public Dictionary<string, long> Kinds { get; } = new();

    public byte[] Next()
    {
        var roll = _rng.Next(100);
        byte[] frame;
        if (roll < 40)
        {
            frame = Encode(NextGenerated());
            Count("generated");
        }
        else if (roll < 50)
        {
            frame = _typical[_rng.Next(_typical.Count)];
            Count("typical");
        }
        else
        {
            var source = _rng.Next(3) == 0 ? _typical[_rng.Next(_typical.Count)] : Encode(NextGenerated());
            frame = Mutate(source);
            Count("mutated");
        }

        _previous = frame;
        return frame;
    }

    private void Count(string kind) => Kinds[kind] = Kinds.GetValueOrDefault(kind) + 1;

    private ProtocolMessage NextGenerated()
    {
        _generated.MoveNext();
        var pm = _generated.Current;
        pm.Channel = _rng.Next(3) switch { 0 => Channel, 1 => "unknown-" + _rng.Next(5), _ => pm.Channel };
        return pm;
    }

    public byte[] Encode(ProtocolMessage pm)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _codec.WriteProtocolMessage(pm, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>1 to 4 edits; never returns an empty frame (a WebSocket message has at least one byte here).</summary>
    public byte[] Mutate(byte[] frame)
    {
        var bytes = frame.ToList();
        var edits = 1 + _rng.Next(4);
        for (var i = 0; i < edits && bytes.Count > 0; i++)
        {
            var at = _rng.Next(bytes.Count);
            switch (_rng.Next(9))
            {
                case 0:
                    bytes[at] = (byte)_rng.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + _rng.Next(8)));
                    break;
                case 2:
                    bytes.Insert(at, (byte)_rng.Next(256));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes[at] = (byte)(bytes[at] ^ (1 << _rng.Next(8)));
                    break;
                case 5:
                    // A run repeated: duplicated keys, nested containers, length fields that no longer match.
                    var length = Math.Min(bytes.Count - at, 1 + _rng.Next(32));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 6:
                    // Spliced onto the previous frame: valid prefixes with foreign tails.
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(_previous.Skip(_rng.Next(Math.Max(1, _previous.Length))));
                    break;
                case 7:
                    bytes.Insert(at, Markers[_rng.Next(Markers.Length)]);
                    bytes.InsertRange(Math.Min(bytes.Count, at + 1), [0xff, 0xff, 0xff, (byte)_rng.Next(256)]);
                    break;
                default:
                    bytes.InsertRange(at, JsonTokens[_rng.Next(JsonTokens.Length)]);
                    break;
            }
        }

        return bytes.Count == 0 ? [0xc1] : bytes.ToArray();
    }

    /// <summary>
    /// Decodes a frame as the transport does (off the loop). Returns the message, or the codec's error; throws
    /// <see cref="AssertionException"/> for anything but an <see cref="AblyException"/> of the 400xx family.
    /// </summary>
    public object Decode(byte[] frame)
    {
        try
        {
            return _codec.ReadProtocolMessage(frame);
        }
        catch (AblyException ex) when (ex.Code / 100 == 400)
        {
            return ex.ErrorInfo;
        }
        catch (Exception ex)
        {
            throw new AssertionException($"{_codec.Format} codec threw {ex.GetType().Name} ({(ex as AblyException)?.Code}) for {Convert.ToHexString(frame.AsSpan(0, Math.Min(frame.Length, 256)))}: {ex}");
        }
    }

    /// <summary>The payload decoder never throws, with or without a (possibly wrong) key; it reports 40013 at most.</summary>
    public void DecodePayloads(ProtocolMessage pm, CipherParams? cipher)
    {
        foreach (var m in pm.Messages ?? [])
        {
            if (m is not null && MessageEncoder.TryDecode(m, cipher, out _) is { } error)
            {
                Assert.That(error.Code, Is.EqualTo(ErrorCodes.InvalidMessageDataOrEncoding), error.Message);
            }
        }

        foreach (var p in pm.Presence ?? [])
        {
            if (p is not null && MessageEncoder.TryDecode(p, cipher, out _) is { } error)
            {
                Assert.That(error.Code, Is.EqualTo(ErrorCodes.InvalidMessageDataOrEncoding), error.Message);
            }
        }
    }

    /// <summary>Frames a session sees, including the ones that move the client's state.</summary>
    public static IEnumerable<ProtocolMessage> TypicalFrames(string channel)
    {
        yield return new ProtocolMessage(ProtocolAction.Message, channel)
        {
            Id = "pub:1",
            ChannelSerial = "cs-1",
            ConnectionId = "pub",
            Timestamp = 1_700_000_000_000,
            Messages = [new Message("greeting", "hello") { Id = "pub:1:0" }, new Message("bin", new byte[] { 1, 2, 3 }) { Id = "pub:1:1" }, new Message("json", "{\"a\":1}") { Encoding = "json" }, new Message("b64", "AQID") { Encoding = "utf-8/cipher+aes-128-cbc/base64" }],
        };
        yield return new ProtocolMessage(ProtocolAction.Ack) { MsgSerial = 0, Count = 1 };
        yield return new ProtocolMessage(ProtocolAction.Nack) { MsgSerial = 0, Count = 3, Error = new ErrorInfo(40099, 400, "nack") };
        yield return new ProtocolMessage(ProtocolAction.Attached, channel) { ChannelSerial = "cs-2", Flags = ProtocolFlags.Resumed | ProtocolFlags.HasPresence };
        yield return new ProtocolMessage(ProtocolAction.Attached, channel) { ChannelSerial = "cs-3" };
        yield return new ProtocolMessage(ProtocolAction.Detached, channel) { Error = new ErrorInfo(90198, 500, "detached") };
        yield return new ProtocolMessage(ProtocolAction.Heartbeat) { Id = "ping-1" };
        yield return new ProtocolMessage(ProtocolAction.Connected)
        {
            ConnectionId = "conn-1",
            ConnectionKey = "key-2",
            ConnectionDetails = ChannelHarness.QuietDetails with { ConnectionKey = "key-2" },
        };
        yield return new ProtocolMessage(ProtocolAction.Presence, channel)
        {
            Presence = [new PresenceMessage { Action = PresenceAction.Enter, ClientId = "c1", ConnectionId = "pub", Id = "pub:2:0", Data = "here" }],
        };
        yield return new ProtocolMessage(ProtocolAction.Sync, channel)
        {
            ChannelSerial = "sync-1:cursor",
            Presence = [new PresenceMessage { Action = PresenceAction.Present, ClientId = "c2", ConnectionId = "other", Id = "other:0:0" }],
        };
        yield return new ProtocolMessage(ProtocolAction.Sync, channel) { ChannelSerial = "sync-1:" };
        yield return new ProtocolMessage(ProtocolAction.Auth);
        yield return new ProtocolMessage(ProtocolAction.Error) { Error = new ErrorInfo(50000, 500, "boom") };
        yield return new ProtocolMessage(ProtocolAction.Error, channel) { Error = new ErrorInfo(90001, 400, "channel failed") };
        yield return new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(80003, 503, "bye") };
        yield return new ProtocolMessage(ProtocolAction.Disconnected) { Error = new ErrorInfo(40142, 401, "token expired") };
    }
}
