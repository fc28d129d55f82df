using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>A message's annotations: publish and delete (RSAN1, RSAN2, a POST of an array) and get (RSAN3, paginated).</summary>
internal sealed partial class RestRouter
{
    private async Task PublishAnnotationsAsync(RestExchange x, string channel, string messageSerial)
    {
        var auth = Authenticate(x);
        var body = await x.ReadBodyAsync().ConfigureAwait(false);
        var annotations = body switch
        {
            JArray array => array.Select(t => t as JObject ?? throw ErrorInfo.BadRequest("Each annotation must be an object")).ToList(),
            JObject single => [single],
            _ => throw ErrorInfo.BadRequest("Body must be an annotation or an array of annotations"),
        };
        if (annotations.Count == 0)
        {
            throw ErrorInfo.BadRequest("No annotations to publish");
        }

        if (_server.Faults.TryConsumeNack("rest") is { } injected)
        {
            throw new AblyException(injected.Code, injected.StatusCode, injected.Message);
        }

        foreach (var annotation in annotations)
        {
            // RSAN1c6: the path names the message; a messageSerial in the body, if any, must agree.
            if (annotation["messageSerial"] is { Type: JTokenType.String } bodySerial && (string?)bodySerial != messageSerial)
            {
                throw new AblyException(40003, 400, "The messageSerial in the body differs from the serial in the path");
            }

            annotation["messageSerial"] = messageSerial;
        }

        var serials = annotations.Select(a => (JToken)Session.Annotate(auth.App, channel, a, auth, null, null)).ToList();
        await x.WriteAsync(201, new JObject { ["serials"] = new JArray(serials) }).ConfigureAwait(false);
    }

    private async Task AnnotationsAsync(RestExchange x, string channel, string messageSerial)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "annotation-subscribe", "history");
        var annotations = auth.App.TryGetChannel(channel)?.AnnotationsOf(messageSerial) ?? [];
        await WriteOldestFirstPageAsync(x, "annotations", annotations).ConfigureAwait(false);
    }
}
