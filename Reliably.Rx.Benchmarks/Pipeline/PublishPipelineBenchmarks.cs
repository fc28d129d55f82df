using BenchmarkDotNet.Attributes;

namespace Reliably.Rx.Benchmarks.Pipeline;

/// <summary>
/// The client's publish path without sockets: <c>channel.PublishAsync(name, 100-char string)</c> through validation,
/// payload encoding, the post to the connection loop, msgSerial assignment, frame encoding (real codec), the ACK turn
/// on the loop, the TaskCompletionSource and the async continuation. 1 000 publishes in flight per invocation
/// (<c>OperationsPerInvoke</c>), so ns/op and bytes/op are per message. Excludes the socket, Websocket.Client and ACK
/// decoding; see <see cref="LoopbackTransport"/>.
/// </summary>
[MemoryDiagnoser]
public class PublishPipelineBenchmarks
{
    private const int PerInvoke = 1000;
    private static readonly string Payload = new string('x', 90) + "0123456789";
    private readonly Task[] _tasks = new Task[PerInvoke];
    private AblyRealtime _client = null!;
    private RealtimeChannel _channel = null!;

    [Params("json", "msgpack")]
    public string Format { get; set; } = "msgpack";

    [GlobalSetup]
    public void Setup()
    {
        _client = new AblyRealtime(
            new ClientOptions { Key = "app.key:secret", Endpoint = "127.0.0.1", Port = 1, Tls = false, AllowInsecureBasicAuth = true, UseBinaryProtocol = Format == "msgpack" },
            new LoopbackTransportFactory(), auth: null, random: null);
        _client.Connection.WaitForStateAsync(ConnectionState.Connected, TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        _channel = _client.Channels.Get("bench");
    }

    [GlobalCleanup]
    public void Cleanup() => _client.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));

    [Benchmark(OperationsPerInvoke = PerInvoke)]
    public void Publish()
    {
        for (var i = 0; i < PerInvoke; i++)
        {
            _tasks[i] = _channel.PublishAsync("m", Payload);
        }

        Task.WaitAll(_tasks, TimeSpan.FromSeconds(30));
    }
}
