using System.Net;
using System.Net.Http.Headers;
using System.Reactive.Concurrency;
using Reliably.Rx.Emulator.Internal.Hosting;

namespace Reliably.Rx.Testing.Internal;

/// <summary>
/// The in-memory Ably's REST transport: each request is answered by the emulator's REST routes, in memory. Without
/// latency the answer is complete when <c>SendAsync</c> returns; with latency the request reaches the server, and the
/// answer the client, each after <see cref="InMemoryNetwork.Latency"/> on the scheduler. Any host name reaches the same
/// server (fallback hosts included); during an outage every request fails to connect.
/// </summary>
internal sealed class InMemoryHttpHandler : HttpMessageHandler
{
    private readonly InMemoryAbly _ably;
    private readonly NetworkInterface _nic;

    public InMemoryHttpHandler(InMemoryAbly ably, NetworkInterface nic)
    {
        _ably = ably;
        _nic = nic;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        // As the client wrote them, without parsing (HttpHeaders.NonValidated).
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value));
            }
        }

        foreach (var (name, values) in request.Content?.Headers.NonValidated ?? default)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value));
            }
        }
        var exchange = new InMemoryRestRequest(request.Method.Method, request.RequestUri ?? throw new InvalidOperationException("A request needs a URI."), headers, body);
        var latency = _ably.Network.Latency;
        if (latency == TimeSpan.Zero)
        {
            return ToResponse(await Answer(exchange).ConfigureAwait(false), request);
        }

        // Completed on the scheduler's thread, without RunContinuationsAsynchronously: the client's own continuations run
        // inline there, so nothing hops to the thread pool.
        var answered = new TaskCompletionSource<InMemoryRestResponse>();
        using var cancel = cancellationToken.Register(() => answered.TrySetCanceled(cancellationToken));
        _ably.Scheduler.Schedule(latency, () =>
        {
            Answer(exchange).ContinueWith(
                t => _ably.Scheduler.Schedule(latency, () =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        answered.TrySetResult(t.Result);
                    }
                    else
                    {
                        answered.TrySetException(t.Exception!.InnerExceptions);
                    }
                }),
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        });
        return ToResponse(await answered.Task.ConfigureAwait(false), request);
    }

    private Task<InMemoryRestResponse> Answer(InMemoryRestRequest request) =>
        _ably.Network.IsDown || _nic.IsDown
            ? Task.FromException<InMemoryRestResponse>(new HttpRequestException(HttpRequestError.ConnectionError, "Network unreachable (in-memory outage)"))
            : _ably.Host.SendAsync(request);

    private static HttpResponseMessage ToResponse(InMemoryRestResponse answer, HttpRequestMessage request)
    {
        var response = new HttpResponseMessage((HttpStatusCode)answer.StatusCode)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(answer.Body),
        };
        foreach (var (name, value) in answer.Headers)
        {
            if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else if (!string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) && !response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
