using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Tests.TestSupport;

/// <summary>Builds models from the JSON objects in Ably's vector files.</summary>
internal static class VectorMessages
{
    public static Message ToMessage(JToken json) => new()
    {
        Name = json["name"]?.Value<string>(),
        Data = json["data"] is { Type: JTokenType.String } d ? (object?)d.Value<string>() : json["data"]?.DeepClone(),
        Encoding = json["encoding"] is { Type: JTokenType.String } e ? e.Value<string>() : null,
    };

    public static void AssertSameData(object? expected, object? actual, string context)
    {
        switch (expected)
        {
            case byte[] bytes:
                Assert.That(actual, Is.TypeOf<byte[]>(), context);
                Assert.That(Convert.ToHexString((byte[])actual!), Is.EqualTo(Convert.ToHexString(bytes)), context);
                break;
            case JToken token:
                Assert.That(actual, Is.InstanceOf<JToken>(), context);
                Assert.That(JToken.DeepEquals(token, (JToken)actual!), Is.True, $"{context}: {actual}");
                break;
            default:
                Assert.That(actual, Is.EqualTo(expected), context);
                break;
        }
    }
}
