using System.Text;
using Microsoft.Reactive.Testing;
using Reliably.Rx.Protocol;
using Reliably.Rx.Tests.Realtime;
using Reliably.Rx.Transport;

namespace Reliably.Rx.Tests.Transport;

/// <summary>
/// The public transport seam (ClientOptions.TransportFactory): the client hands the transport encoded frames of the
/// connection's kind, decodes what it receives by frame kind, and treats a factory or transport failure as a failed
/// connection attempt (RTN17f). Written against the public API only, with a transport of the test's own.
/// </summary>
[TestFixture]
public sealed class TransportSeamTests
{
    [TestCase(false, TransportFrameKind.Text)]
    [TestCase(true, TransportFrameKind.Binary)]
    public async Task A_transport_from_ClientOptions_carries_encoded_frames_of_the_connections_kind(bool binary, TransportFrameKind expected)
    {
        var scheduler = new TestScheduler();
        var factory = new ScriptTransportFactory();
        await using var client = new AblyRealtime(new ClientOptions
        {
            Key = "app.key:secret",
            Scheduler = scheduler,
            TransportFactory = factory,
            UseBinaryProtocol = binary,
        });
        scheduler.AdvanceBy(10);

        var transport = factory.Created.Single();
        Assert.That(transport.Kind, Is.EqualTo(expected));
        Assert.That(transport.Uri.Query, Does.Contain("format=" + (binary ? "msgpack" : "json")));
        transport.Listener.OnOpened();
        transport.Listener.OnFrame(Encoding.UTF8.GetBytes(ConnectedJson), TransportFrameKind.Text);
        scheduler.AdvanceBy(10);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected), "a text frame is read as JSON whatever the connection's format");
        Assert.That(client.Connection.Id, Is.EqualTo("seam-conn"));

        var ping = client.Connection.PingAsync();
        scheduler.AdvanceBy(10);
        var (frame, kind) = transport.Sent.Single();
        Assert.That(kind, Is.EqualTo(expected));
        if (!binary)
        {
            Assert.That(Encoding.UTF8.GetString(frame), Does.StartWith("{\"action\":0,"), "a HEARTBEAT, as UTF-8 JSON");
        }
        else
        {
            Assert.That(frame[0] & 0xF0, Is.EqualTo(0x80), "a msgpack map");
        }

        Assert.That(ping.IsCompleted, Is.False);
    }

    [Test]
    public async Task A_malformed_frame_is_skipped_and_the_connection_carries_on()
    {
        var scheduler = new TestScheduler();
        var factory = new ScriptTransportFactory();
        await using var client = new AblyRealtime(new ClientOptions { Key = "app.key:secret", Scheduler = scheduler, TransportFactory = factory });
        scheduler.AdvanceBy(10);
        var transport = factory.Created.Single();
        transport.Listener.OnOpened();
        transport.Listener.OnFrame(new byte[] { 0xc1, 0xff }, TransportFrameKind.Binary);
        transport.Listener.OnFrame(Encoding.UTF8.GetBytes(ConnectedJson), TransportFrameKind.Text);
        scheduler.AdvanceBy(10);
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public async Task RTN17f_a_factory_that_throws_fails_the_attempt_as_a_connect_failure_and_the_next_host_is_tried()
    {
        var scheduler = new TestScheduler();
        var factory = new ScriptTransportFactory { ThrowOnCreate = 1 };
        await using var client = new AblyRealtime(new ClientOptions
        {
            Key = "app.key:secret",
            Scheduler = scheduler,
            TransportFactory = factory,
            FallbackHosts = ["fallback.example"],
            HttpMessageHandlerFactory = () => new ConnectivityUp(),
        });
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.That(factory.Attempts, Is.EqualTo(2));
        Assert.That(factory.Created.Single().Uri.Host, Is.EqualTo("fallback.example"));
    }

    [Test]
    public async Task RTN15a_after_OnClosed_nothing_more_from_that_transport_reaches_the_client()
    {
        var scheduler = new TestScheduler();
        var factory = new ScriptTransportFactory();
        await using var client = new AblyRealtime(new ClientOptions { Key = "app.key:secret", Scheduler = scheduler, TransportFactory = factory, Endpoint = "localhost" });
        scheduler.AdvanceBy(10);
        var first = factory.Created.Single();
        first.Listener.OnOpened();
        first.Listener.OnFrame(Encoding.UTF8.GetBytes(ConnectedJson), TransportFrameKind.Text);
        scheduler.AdvanceBy(10);
        first.Listener.OnClosed(new ErrorInfo(ErrorCodes.Disconnected, 400, "reset"), connectFailure: false);
        first.Listener.OnFrame(Encoding.UTF8.GetBytes("{\"action\":6}"), TransportFrameKind.Text);
        scheduler.AdvanceBy(10);

        Assert.That(factory.Created, Has.Count.EqualTo(2), "RTN15a: a new transport at once");
        Assert.That(first.Closed, Is.True, "the lost transport is closed and disposed");
        Assert.That(factory.Created[1].Uri.Query, Does.Contain("resume="), "the new attempt resumes");
        Assert.That(client.Connection.State, Is.EqualTo(ConnectionState.Connecting));
    }

    private const string ConnectedJson =
        "{\"action\":4,\"connectionId\":\"seam-conn\",\"connectionKey\":\"seam-key\",\"connectionDetails\":{\"connectionKey\":\"seam-key\",\"connectionStateTtl\":120000,\"maxIdleInterval\":15000}}";

    private sealed class ScriptTransport(Uri uri, TransportFrameKind kind, ITransportListener listener) : ITransport
    {
        public Uri Uri { get; } = uri;

        public TransportFrameKind Kind { get; } = kind;

        public ITransportListener Listener { get; } = listener;

        public List<(byte[] Frame, TransportFrameKind Kind)> Sent { get; } = new();

        public bool Closed { get; private set; }

        public void Connect()
        {
        }

        public void Send(ReadOnlyMemory<byte> frame, TransportFrameKind kind) => Sent.Add((frame.ToArray(), kind));

        public void Close() => Closed = true;

        public void Dispose() => Closed = true;
    }

    private sealed class ScriptTransportFactory : ITransportFactory
    {
        public int ThrowOnCreate { get; set; }

        public int Attempts { get; private set; }

        public List<ScriptTransport> Created { get; } = new();

        public ITransport Create(Uri uri, TransportFrameKind frameKind, ITransportListener listener)
        {
            if (++Attempts <= ThrowOnCreate)
            {
                throw new InvalidOperationException("no transport today");
            }

            var transport = new ScriptTransport(uri, frameKind, listener);
            Created.Add(transport);
            return transport;
        }
    }

    /// <summary>The connectivity check (RTN17j) answers "yes" at once, so the fallback host is tried.</summary>
    private sealed class ConnectivityUp : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent("yes") });
    }
}
