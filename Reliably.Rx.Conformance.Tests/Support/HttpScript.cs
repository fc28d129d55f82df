using System.Text;
using MessagePack;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The REST specs' <c>MockHttpClient</c> verbs (uts/rest/unit/helpers/mock_http.md) on a <see cref="ScriptedAbly"/>:
/// <c>queue_response</c> is <see cref="AnswerInOrder"/>, <c>captured_requests</c> is <see cref="ScriptedAbly.HttpRequests"/>,
/// and the bodies the specs write as JSON are encoded here as JSON or MessagePack.
/// </summary>
public static class HttpScript
{
    /// <summary>
    /// <c>queue_response(...)</c>, once per answer: the n-th request gets the n-th answer. A request beyond the queue fails
    /// the test (the spec did not expect it).
    /// </summary>
    public static ScriptedAbly AnswerInOrder(this ScriptedAbly server, params Action<ScriptedHttpRequest>[] answers)
    {
        var next = 0;
        server.OnHttpRequest = request =>
        {
            if (next >= answers.Length)
            {
                Assert.Fail($"Request {next + 1} ({request}) was not expected: the spec queues {answers.Length} response(s).");
            }

            answers[next++](request);
        };
        return server;
    }

    /// <summary><c>onRequest: (req) =&gt; req.respond_with(status, body)</c> for every request.</summary>
    public static ScriptedAbly AnswerAll(this ScriptedAbly server, int status, string? json, IReadOnlyDictionary<string, string>? headers = null)
    {
        server.OnHttpRequest = request => request.RespondWith(status, json, headers);
        return server;
    }

    /// <summary>An answer with a JSON body.</summary>
    public static Action<ScriptedHttpRequest> Json(int status, string? json, IReadOnlyDictionary<string, string>? headers = null) =>
        request => request.RespondWith(status, json, headers);

    /// <summary>An answer whose body is <paramref name="json"/> encoded as MessagePack (<c>msgpack_encode(...)</c>).</summary>
    public static Action<ScriptedHttpRequest> MsgPack(int status, string json, IReadOnlyDictionary<string, string>? headers = null) =>
        request => request.RespondWith(status, ToMsgPack(json), "application/x-msgpack", headers);

    /// <summary>An answer with a body of any content type (<c>respond_with(status, body, headers: {Content-Type: ...})</c>).</summary>
    public static Action<ScriptedHttpRequest> Text(int status, string body, string contentType) =>
        request => request.RespondWith(status, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary><c>msgpack_encode(json)</c>.</summary>
    public static byte[] ToMsgPack(string json) => MessagePackSerializer.ConvertFromJson(json);

    /// <summary><c>json_decode(request.body)</c> or <c>msgpack_decode(request.body)</c>, by the request's content type.</summary>
    public static JToken BodyTree(this ScriptedHttpRequest request) =>
        request.Header("Content-Type") is { } type && type.StartsWith("application/x-msgpack", StringComparison.Ordinal)
            ? JToken.Parse(MessagePackSerializer.ConvertToJson(request.Body))
            : JToken.Parse(request.BodyText);

    /// <summary>Headers as a dictionary, for the specs' <c>request.headers["Name"]</c>.</summary>
    public static IReadOnlyDictionary<string, string> Headers(params (string Name, string Value)[] headers) =>
        headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
}
