using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Reliably.Rx.Tests.TestSupport;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The REST side of the UTS proxy (uts/docs/proxy.md) for faults the emulator cannot express: a loopback HTTP proxy in
/// front of the emulator that forwards every request unchanged unless a <see cref="HttpFaultRule"/> matches it. It listens
/// on one port of several loopback addresses (127.0.0.1 and 127.0.0.2 by default), so a client whose primary and fallback
/// hosts are two of them reaches it both ways. Its log holds the proxy's <c>http_request</c> and <c>http_response</c>
/// events. Rules are tried in order, the first match wins, and each fires <see cref="HttpFaultRule.Times"/> times.
/// </summary>
public sealed class HttpFaultProxy : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<Armed> _rules;
    private readonly List<HttpProxyEvent> _log = new();
    private readonly HttpClient _upstream;
    private readonly WebApplication _app;

    private HttpFaultProxy(Uri upstream, IReadOnlyList<IPAddress> addresses, IEnumerable<HttpFaultRule> rules, int port)
    {
        _rules = rules.Select(r => new Armed(r)).ToList();
        _upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = upstream };
        Port = port;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            foreach (var address in addresses)
            {
                kestrel.Listen(address, Port, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The port the proxy listens on (the specs' <c>session.proxy_port</c>).</summary>
    public int Port { get; }

    /// <summary>The proxy's event log so far (the specs' <c>session.get_log()</c>), oldest first.</summary>
    public IReadOnlyList<HttpProxyEvent> Log
    {
        get
        {
            lock (_gate)
            {
                return _log.ToArray();
            }
        }
    }

    /// <summary>Starts a proxy to <paramref name="upstream"/> with <paramref name="rules"/> (the specs' <c>create_proxy_session</c>).</summary>
    /// <remarks>Every address shares one port, found free and then bound: when another process took it in between, the
    /// proxy starts again on another (Kestrel's bind fails with an <see cref="IOException"/>).</remarks>
    public static Task<HttpFaultProxy> StartAsync(Uri upstream, params HttpFaultRule[] rules) =>
        LoopbackPorts.StartOnFreePortAsync(async port =>
        {
            var proxy = new HttpFaultProxy(upstream, [IPAddress.Loopback, IPAddress.Parse("127.0.0.2")], rules, port);
            try
            {
                await proxy._app.StartAsync().ConfigureAwait(false);
                return proxy;
            }
            catch
            {
                // Not started: nothing to stop, only to release.
                await proxy._app.DisposeAsync().ConfigureAwait(false);
                proxy._upstream.Dispose();
                throw;
            }
        });

    /// <summary>The specs' <c>log.filter(e => e.type == "http_request" AND e.path CONTAINS path)</c>, optionally of one method too.</summary>
    public IReadOnlyList<HttpProxyEvent> Requests(string pathContains, string? method = null) =>
        Log.Where(e => e.Type == "http_request" && e.Path.Contains(pathContains, StringComparison.Ordinal) && (method is null || e.Method == method)).ToList();

    /// <summary>The <c>http_response</c> events, oldest first.</summary>
    public IReadOnlyList<HttpProxyEvent> Responses => Log.Where(e => e.Type == "http_response").ToList();

    /// <summary>Stops listening (the specs' <c>session.close()</c>); requests in flight are aborted.</summary>
    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        Record(new HttpProxyEvent("http_request", request.Method, path, null));
        var rule = Match(request.Method, path);
        try
        {
            switch (rule?.Action)
            {
                case HttpFaultAction.Drop:
                    // http_drop: the TCP connection is reset with no response, as a peer that went away does.
                    context.Abort();
                    return;
                case HttpFaultAction.Delay:
                    await Task.Delay(rule.Delay, context.RequestAborted).ConfigureAwait(false);
                    await ForwardAsync(context, path, replace: null).ConfigureAwait(false);
                    return;
                case HttpFaultAction.Respond:
                    await RespondAsync(context, path, rule).ConfigureAwait(false);
                    return;
                case HttpFaultAction.ReplaceResponse:
                    await ForwardAsync(context, path, replace: rule).ConfigureAwait(false);
                    return;
                default:
                    await ForwardAsync(context, path, replace: null).ConfigureAwait(false);
                    return;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its request timeout) while the proxy held the request.
        }
    }

    private HttpFaultRule? Match(string method, string path)
    {
        lock (_gate)
        {
            foreach (var armed in _rules)
            {
                var rule = armed.Rule;
                if (path.Contains(rule.PathContains, StringComparison.Ordinal) && (rule.Method is null || string.Equals(rule.Method, method, StringComparison.OrdinalIgnoreCase)))
                {
                    if (++armed.Fired >= rule.Times)
                    {
                        _rules.Remove(armed);
                    }

                    return rule;
                }
            }
        }

        return null;
    }

    private async Task ForwardAsync(HttpContext context, string path, HttpFaultRule? replace)
    {
        using var forward = new HttpRequestMessage(new HttpMethod(context.Request.Method), path + context.Request.QueryString.Value);
        var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        if (body.Length > 0 || context.Request.ContentLength is not null)
        {
            forward.Content = new ByteArrayContent(body.ToArray());
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forward.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        using var response = await _upstream.SendAsync(forward, context.RequestAborted).ConfigureAwait(false);
        if (replace is not null)
        {
            // http_replace_response: the server handled the request; the client sees the rule's answer instead.
            await RespondAsync(context, path, replace).ConfigureAwait(false);
            return;
        }

        var content = await response.Content.ReadAsByteArrayAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        Record(new HttpProxyEvent("http_response", context.Request.Method, path, (int)response.StatusCode));
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RespondAsync(HttpContext context, string path, HttpFaultRule rule)
    {
        var content = System.Text.Encoding.UTF8.GetBytes(rule.Body ?? "{}");
        context.Response.StatusCode = rule.Status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in rule.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        Record(new HttpProxyEvent("http_response", context.Request.Method, path, rule.Status));
        context.Response.ContentLength = content.Length;
        await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
    }

    private void Record(HttpProxyEvent e)
    {
        lock (_gate)
        {
            _log.Add(e);
        }
    }

    /// <summary>A rule and how often it has fired.</summary>
    private sealed class Armed(HttpFaultRule rule)
    {
        public HttpFaultRule Rule { get; } = rule;

        public int Fired { get; set; }
    }
}

/// <summary>What an <see cref="HttpFaultProxy"/> does with a matching request (uts/docs/proxy.md's HTTP actions).</summary>
public enum HttpFaultAction
{
    /// <summary><c>http_delay</c>: hold the request for <see cref="HttpFaultRule.Delay"/>, then forward it.</summary>
    Delay,

    /// <summary><c>http_respond</c>: answer with the rule's status, body and headers; the server never sees the request.</summary>
    Respond,

    /// <summary><c>http_drop</c>: reset the connection without a response.</summary>
    Drop,

    /// <summary><c>http_replace_response</c>: forward the request, discard the server's answer, answer as <see cref="Respond"/>.</summary>
    ReplaceResponse,
}

/// <summary>
/// A proxy rule: requests whose path contains <paramref name="PathContains"/> (and of <paramref name="Method"/>, when
/// given) get <paramref name="Action"/>, for the next <paramref name="Times"/> matches.
/// </summary>
public sealed record HttpFaultRule(string PathContains, HttpFaultAction Action, string? Method = null, int Times = 1)
{
    /// <summary>The response status of <see cref="HttpFaultAction.Respond"/> and <see cref="HttpFaultAction.ReplaceResponse"/>.</summary>
    public int Status { get; init; }

    /// <summary>The JSON response body; <c>{}</c> when null.</summary>
    public string? Body { get; init; }

    /// <summary>Extra response headers (e.g. <c>Server: CloudFront</c>).</summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>How long <see cref="HttpFaultAction.Delay"/> holds the request.</summary>
    public TimeSpan Delay { get; init; }
}

/// <summary>One event of the proxy log: <paramref name="Type"/> is <c>http_request</c> or <c>http_response</c> (with <paramref name="Status"/>).</summary>
public sealed record HttpProxyEvent(string Type, string Method, string Path, int? Status);
