using System.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>JSON to and from JToken, with date parsing off so strings stay strings.</summary>
internal static class JsonTree
{
    public static JToken Read(ReadOnlySpan<byte> utf8) => Read(Encoding.UTF8.GetString(utf8));

    public static JToken Read(string text)
    {
        using var reader = new JsonTextReader(new StringReader(text))
        {
            DateParseHandling = DateParseHandling.None,
            FloatParseHandling = FloatParseHandling.Double,
            MaxDepth = 64,
        };
        var token = JToken.ReadFrom(reader);
        if (reader.Read())
        {
            throw ErrorInfo.BadRequest("Trailing data after JSON value");
        }

        return token;
    }

    public static byte[] Write(JToken token) => Encoding.UTF8.GetBytes(token.ToString(Formatting.None));
}
