using System.Buffers;
using BenchmarkDotNet.Attributes;
using Reliably.Rx.Protocol;
using Reliably.Rx.Serialization;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// The client's receive path without sockets, one MESSAGE frame with one ~100-byte message at a time: frame decode
/// (real codec), the post to the connection loop, channel dispatch, TM2 field filling, payload decode, recent-key
/// tracking, the channel's ordered feed to 1 or 20 <c>channel.Messages()</c> subscribers on the default delivery
/// scheduler (the thread pool), and the subscribers' OnNext. 1 000 frames per invocation, waiting until every subscriber
/// has all of them, so ns/op and bytes/op are per message (all subscribers included). Excludes the socket and Websocket.Client (its receive buffers and string/byte
/// copies) — see <see cref="LoopbackTransport"/>.
/// </summary>
[MemoryDiagnoser]
public class ReceivePipelineBenchmarks
{
    private const int PerInvoke = 1000;
    private AblyRealtime _client = null!;
    private LoopbackTransport _transport = null!;
    private IDisposable[] _subscriptions = null!;
    private ReadOnlyMemory<byte> _frame;
    private long _received;
    private long _expected;

    [Params("json", "msgpack")]
    public string Format { get; set; } = "msgpack";

    [Params(1, 20)]
    public int Subscribers { get; set; } = 1;

    [GlobalSetup]
    public void Setup()
    {
        var factory = new LoopbackTransportFactory();
        _client = new AblyRealtime(
            new ClientOptions { Key = "app.key:secret", Endpoint = "127.0.0.1", Port = 1, Tls = false, AllowInsecureBasicAuth = true, UseBinaryProtocol = Format == "msgpack" },
            factory, auth: null, random: null);
        _client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        var channel = _client.Channels.Get("bench:channel");
        _subscriptions = Enumerable.Range(0, Subscribers)
            .Select(_ => channel.Messages().Subscribe(_ => Interlocked.Increment(ref _received), _ => { }))
            .ToArray();
        channel.AttachAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _transport = factory.Last!;

        var frame = Codecs.CodecBenchmarkFrames.MessageFrame(1);
        var buffer = new ArrayBufferWriter<byte>();
        var codec = ProtocolCodecs.For(Format == "msgpack" ? WireFormat.MsgPack : WireFormat.Json);
        codec.WriteProtocolMessage(frame, buffer);
        _frame = buffer.WrittenMemory.ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }
        _client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
    }

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public long Receive()
    {
        for (var i = 0; i < PerInvoke; i++)
        {
            _transport.Receive(_frame);
        }

        _expected += PerInvoke * Subscribers;

        // Bounded wait for the deliveries (10 s), so a stuck run cannot hang the benchmark.
        var deadline = Environment.TickCount64 + 10_000;
        var spin = new SpinWait();
        while (Interlocked.Read(ref _received) < _expected && Environment.TickCount64 < deadline)
        {
            spin.SpinOnce();
        }

        return _received;
    }
}
