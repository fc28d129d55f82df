using BenchmarkDotNet.Attributes;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.Payload;

/// <summary>
/// Payload encoding of one message with 100 characters of string data (RSL4/RSL6), with and without a cipher:
/// <c>MessageEncoder.Encode</c> as <c>PublishAsync</c> calls it (a copy of the message, UTF-8, AES, base64 on JSON), and
/// <c>MessageEncoder.DecodeInPlace</c> as the channel calls it for every received message.
/// </summary>
[MemoryDiagnoser]
public class MessageEncoderBenchmarks
{
    private Message _message = null!;
    private Message _received = null!;
    private CipherParams? _cipher;
    private object? _encodedData;
    private string? _encodedEncoding;

    /// <summary>none, aes128 or aes256.</summary>
    [Params("none", "aes128", "aes256")]
    public string Cipher { get; set; } = "none";

    [Params("json", "msgpack")]
    public string Format { get; set; } = "msgpack";

    [GlobalSetup]
    public void Setup()
    {
        _cipher = Cipher switch
        {
            "aes128" => new CipherParams(CipherParams.GenerateRandomKey(128)),
            "aes256" => new CipherParams(CipherParams.GenerateRandomKey(256)),
            _ => null,
        };
        _message = new Message("price-update", new string('x', 90) + "0123456789");
        var encoded = MessageEncoder.Encode(_message, _cipher, WireFormat);
        _encodedData = encoded.Data;
        _encodedEncoding = encoded.Encoding;
        _received = encoded with { };
    }

    private WireFormat WireFormat => Format == "json" ? WireFormat.Json : WireFormat.MsgPack;

    [Benchmark]
    public object? Encode() => MessageEncoder.Encode(_message, _cipher, WireFormat).Data;

    [Benchmark]
    public object? DecodeInPlace()
    {
        // Restores the wire form first: two field writes, negligible next to the decode.
        _received.SetPayload(_encodedData, _encodedEncoding);
        MessageEncoder.DecodeInPlace(_received, _cipher);
        return _received.Data;
    }
}
