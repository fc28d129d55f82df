using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using MessagePack;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Tests.Support;

/// <summary>HttpClient helpers for REST tests.</summary>
public static partial class Http
{
    public static HttpClient Client(Uri baseUri, string? key = null)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var client = new HttpClient(handler) { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(15) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = Basic(key);
        }

        return client;
    }

    public static AuthenticationHeaderValue Basic(string key) => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(key)));

    public static StringContent Json(object body) =>
        new(body is JToken t ? t.ToString(Formatting.None) : JsonConvert.SerializeObject(body), Encoding.UTF8, "application/json");

    public static ByteArrayContent MsgPack(JToken body)
    {
        var content = new ByteArrayContent(MessagePackSerializer.ConvertFromJson(body.ToString(Formatting.None)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-msgpack");
        return content;
    }

    public static async Task<JToken> ReadAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.Content.Headers.ContentType?.MediaType == "application/x-msgpack")
        {
            return JToken.Parse(MessagePackSerializer.ConvertToJson(bytes));
        }

        return JToken.Parse(Encoding.UTF8.GetString(bytes));
    }

    public static HttpRequestMessage Get(string path, bool msgpack = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(msgpack ? "application/x-msgpack" : "application/json"));
        return request;
    }

    /// <summary>Follows a Link rel="next" exactly as ably-js does: ^\./(\w+)\?(.*)$ relative to the same directory.</summary>
    public static string? NextPath(HttpResponseMessage response, string directory)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in string.Join(",", values).Split(','))
        {
            var m = LinkRegex().Match(link);
            Assert.That(m.Success, Is.True, "Link entry in the form ably-js parses: " + link);
            if (m.Groups[2].Value != "next")
            {
                continue;
            }

            var url = UrlRegex().Match(m.Groups[1].Value);
            Assert.That(url.Success, Is.True, "relative ./word?query URL: " + m.Groups[1].Value);
            return directory + url.Groups[1].Value + "?" + url.Groups[2].Value;
        }

        return null;
    }

    [GeneratedRegex("^\\s*<(.+)>;\\s*rel=\"(\\w+)\"$")]
    private static partial Regex LinkRegex();

    [GeneratedRegex("^\\./(\\w+)\\?(.*)$")]
    private static partial Regex UrlRegex();
}
