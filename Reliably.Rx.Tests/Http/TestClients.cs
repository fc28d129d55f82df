using System.Reactive.Concurrency;

namespace Reliably.Rx.Tests.Http;

/// <summary>Builds REST clients wired to a fake handler.</summary>
public static class TestClients
{
    public const string Key = "appId.keyId:keySecret";

    public static AblyRest Rest(FakeHttpHandler handler, Func<ClientOptions, ClientOptions>? configure = null, IScheduler? scheduler = null, int seed = 1)
    {
        var options = new ClientOptions
        {
            Key = Key,
            UseBinaryProtocol = false,
            HttpMessageHandlerFactory = () => handler,
            Scheduler = scheduler,
        };
        options = configure?.Invoke(options) ?? options;
        return new AblyRest(options, codecs: null, random: new Random(seed));
    }

    public static ClientOptions Options(FakeHttpHandler handler) => new()
    {
        Key = Key,
        UseBinaryProtocol = false,
        HttpMessageHandlerFactory = () => handler,
    };
}
