using System.Reactive.Concurrency;

namespace Reliably.Rx.Testing.Internal;

/// <summary>A scripted Ably's REST transport: each request becomes a <see cref="ScriptedHttpRequest"/> for the test to answer.</summary>
internal sealed class ScriptedHttpHandler(ScriptedAbly server) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var headers = new List<KeyValuePair<string, string>>();
        if (request.Headers.Host is null && request.RequestUri is { IsAbsoluteUri: true } uri)
        {
            // The Host header as the socket handler puts it on the wire (host, and the port unless the scheme's default):
            // the client leaves it to the handler, but a test of RSC15j asserts what the server would see.
            headers.Add(new KeyValuePair<string, string>("Host", uri.Authority));
        }

        foreach (var (name, values) in request.Headers.NonValidated)
        {
            headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
        }

        foreach (var (name, values) in request.Content?.Headers.NonValidated ?? default)
        {
            headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
        }

        // Completed on the scheduler's thread, without RunContinuationsAsynchronously: the client carries on there.
        var answer = new TaskCompletionSource<HttpResponseMessage>();
        using var cancel = cancellationToken.Register(() => answer.TrySetCanceled(cancellationToken));
        server.Scheduler.Schedule(server.Latency, () => server.OnRequest(new ScriptedHttpRequest(server, request, headers, body, answer)));
        return await answer.Task.ConfigureAwait(false);
    }
}
