using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>One REST request: decoded path segments, query helpers, body decoding and negotiated responses (RSC8).</summary>
internal sealed class RestExchange
{
    public const string JsonType = "application/json";
    public const string MsgPackType = "application/x-msgpack";

    public RestExchange(HttpContext context)
    {
        Context = context;
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "/";
        var q = raw.IndexOf('?');
        var path = q >= 0 ? raw[..q] : raw;
        Segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        Method = context.Request.Method;

        // Honour Accept: ably-js decodes a success body in the format it asked for, whatever the Content-Type.
        var accept = context.Request.Headers.Accept.ToString();
        Format = accept.Contains(MsgPackType, StringComparison.OrdinalIgnoreCase) && !PrefersJson(accept) ? WireFormat.MsgPack : WireFormat.Json;
    }

    public HttpContext Context { get; }

    /// <summary>The <c>envelope</c> query format, when the client asked for a wrapped response (browsers without Link access).</summary>
    public WireFormat? Envelope => Q("envelope") switch
    {
        "json" => WireFormat.Json,
        "msgpack" => WireFormat.MsgPack,
        _ => null,
    };

    public string[] Segments { get; }

    public string Method { get; }

    public WireFormat Format { get; }

    /// <summary>The protocol version the request asked for (<c>X-Ably-Version</c>, RSC7e); the latest when absent.</summary>
    public int ProtocolVersion =>
        int.TryParse(Context.Request.Headers["X-Ably-Version"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : LatestProtocolVersion;

    /// <summary>The protocol version the emulator speaks (CSV2).</summary>
    public const int LatestProtocolVersion = 6;

    public IQueryCollection Query => Context.Request.Query;

    public string? Q(string name) => Query.TryGetValue(name, out var v) && v.Count > 0 ? v[^1] : null;

    public long? QLong(string name)
    {
        var text = Q(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new AblyException(40003, 400, $"Invalid value for parameter {name}: {text}");
    }

    public async Task<JToken?> ReadBodyAsync()
    {
        using var buffer = new MemoryStream();
        await Context.Request.Body.CopyToAsync(buffer).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return null;
        }

        var contentType = Context.Request.ContentType ?? string.Empty;
        var format = contentType.Contains("msgpack", StringComparison.OrdinalIgnoreCase) ? WireFormat.MsgPack : WireFormat.Json;
        return WireCodec.Decode(buffer.ToArray(), format);
    }

    public Task WriteAsync(int status, JToken? body, WireFormat? format = null)
    {
        var response = Context.Response;
        response.StatusCode = status;
        if (body is null)
        {
            return Task.CompletedTask;
        }

        var f = format ?? Format;
        if (Envelope is { } envelope && format is null)
        {
            // PROTOCOL.md 1.4: {statusCode, response, headers} with HTTP 200, in the envelope's format.
            var headers = new JObject();
            foreach (var (name, values) in response.Headers)
            {
                headers[name.ToLowerInvariant()] = values.ToString();
            }

            body = new JObject { ["statusCode"] = status, ["response"] = body, ["headers"] = headers };
            response.StatusCode = 200;
            f = envelope;
        }

        // PROTOCOL.md 1.5: exactly these content types, no charset, or ably-js won't parse error bodies.
        response.ContentType = f == WireFormat.MsgPack ? MsgPackType : JsonType;
        var bytes = WireCodec.Encode(body, f);
        response.ContentLength = bytes.Length;
        return response.Body.WriteAsync(bytes).AsTask();
    }

    public Task WriteErrorAsync(int code, int statusCode, string message)
    {
        var headers = Context.Response.Headers;
        headers["X-Ably-Errorcode"] = code.ToString(CultureInfo.InvariantCulture);
        headers["X-Ably-Errormessage"] = HeaderSafe(message);
        return WriteAsync(statusCode, new JObject { ["error"] = ErrorInfo.Create(code, statusCode, message) });
    }

    private static bool PrefersJson(string accept)
    {
        var json = accept.IndexOf(JsonType, StringComparison.OrdinalIgnoreCase);
        var msgpack = accept.IndexOf(MsgPackType, StringComparison.OrdinalIgnoreCase);
        return json >= 0 && json < msgpack;
    }

    private static string HeaderSafe(string message)
    {
        var sb = new StringBuilder(message.Length);
        foreach (var c in message)
        {
            sb.Append(c is >= ' ' and <= '~' ? c : ' ');
        }

        return sb.ToString();
    }
}
