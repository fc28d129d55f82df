using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Reliably.Rx.Emulator.Internal.Rest;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>A REST request for the in-memory host: method, absolute URI, headers (content headers included) and body.</summary>
internal sealed record InMemoryRestRequest(string Method, Uri Uri, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>The emulator's answer: status, headers (content headers included) and body.</summary>
internal sealed record InMemoryRestResponse(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);

/// <summary>
/// Runs the emulator's REST routes for one in-memory request. The routes take an ASP.NET <see cref="HttpContext"/>; a
/// <see cref="DefaultHttpContext"/> with memory streams is the whole of what they need (no Kestrel, no TestHost threads),
/// so the REST code is the very code a socket client reaches. Memory streams complete synchronously, so the returned task
/// is normally complete when this returns.
/// </summary>
internal static class InMemoryRestExchange
{
    public static async Task<InMemoryRestResponse> SendAsync(RestRouter router, InMemoryRestRequest request, ILogger logger)
    {
        var context = new DefaultHttpContext();
        var http = context.Request;
        var uri = request.Uri;
        http.Method = request.Method;
        http.Scheme = uri.Scheme;
        http.Host = new HostString(uri.Host, uri.Port);
        http.Path = new PathString(uri.AbsolutePath);
        http.QueryString = new QueryString(uri.Query);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = uri.PathAndQuery;
        context.Connection.LocalIpAddress = IPAddress.TryParse(uri.Host, out var address) ? address : null;
        foreach (var (name, value) in request.Headers)
        {
            http.Headers.Append(name, value);
        }

        http.Body = new MemoryStream(request.Body, writable: false);
        http.ContentLength = request.Body.Length;
        using var body = new MemoryStream();
        context.Response.Body = body;
        await RequestGuard.RunAsync(context, router.HandleAsync, logger).ConfigureAwait(false);

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in context.Response.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? string.Empty));
            }
        }

        return new InMemoryRestResponse(context.Response.StatusCode, headers, body.ToArray());
    }
}
