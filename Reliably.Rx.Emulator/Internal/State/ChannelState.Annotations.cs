using System.Globalization;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Annotations of published messages (RSAN, RTAN) and the summaries they add up to (TM2u).</summary>
internal sealed partial class ChannelState
{
    private AnnotationLog? _annotationLog;

    /// <summary>Caller holds the lock.</summary>
    private AnnotationLog AnnotationLog => _annotationLog ??= new AnnotationLog(Server.Options.ChannelHistoryLimit);

    /// <summary>The annotations of a message, oldest first (RSAN3).</summary>
    public IReadOnlyList<JObject> AnnotationsOf(string messageSerial)
    {
        lock (_gate)
        {
            return AnnotationLog.Of(messageSerial);
        }
    }

    /// <summary>
    /// Stores an annotation (validated, canonical: <c>messageSerial</c>, <c>type</c> and <c>action</c> set) and fans it
    /// out twice: as an ANNOTATION to attachments with the annotation-subscribe mode (RTAN4b), then as the message's new
    /// summary, a MESSAGE with action <c>message.summary</c>, to ordinary subscribers. Both take channel positions, so a
    /// resume replays what a client missed; the annotation's serial is its position, later than the message's.
    /// </summary>
    /// <returns>The annotation's serial.</returns>
    public string Annotate(JObject annotation, string? connectionId, long? msgSerial)
    {
        var messageSerial = annotation.Value<string>("messageSerial")!;
        var now = Server.NowMs;
        lock (_gate)
        {
            if (!Versions.Contains(messageSerial))
            {
                throw ErrorInfo.NotFound("Message not found: " + messageSerial);
            }

            // RSAN1c4: an annotation published again under the same id (a REST retry) is stored once.
            if (annotation.Value<string?>("id") is { } id
                && AnnotationLog.Of(messageSerial).FirstOrDefault(a => a.Value<string?>("id") == id) is { } earlier)
            {
                return earlier.Value<string>("serial")!;
            }

            var seq = _seq + 1;
            var serial = FormatSerial(seq) + ":0000";
            annotation["serial"] = serial;
            annotation["id"] ??= connectionId is not null
                ? string.Create(CultureInfo.InvariantCulture, $"{connectionId}:{msgSerial}:0")
                : Ids.Alnum(12) + ":0";
            if (annotation["timestamp"]?.Type != JTokenType.Integer)
            {
                annotation["timestamp"] = now;
            }

            AnnotationLog.Add(messageSerial, annotation);
            var frame = new JObject
            {
                ["action"] = Actions.Annotation,
                ["channel"] = Name,
                ["channelSerial"] = FormatSerial(seq),
                ["timestamp"] = now,
                ["annotations"] = new JArray(annotation.DeepClone()),
            };
            _seq = seq;
            Emit(new ChannelEvent(seq, new OutgoingFrame(frame), connectionId, false, now) { IsAnnotation = true });

            // TM2u: the summary goes to every subscriber, annotation-subscribe or not, as a change of the message.
            var summarySeq = _seq + 1;
            var summary = new JObject
            {
                ["action"] = MessageActions.Summary,
                ["serial"] = messageSerial,
                ["timestamp"] = now,
                ["annotations"] = new JObject { ["summary"] = AnnotationSummary.Of(AnnotationLog.Of(messageSerial)) },
            };
            _seq = summarySeq;
            Emit(new ChannelEvent(summarySeq, MessageFrameFor(FormatSerial(summarySeq), now, [StoredMessage.FromTree(summary)], null, null), null, false, now) { IsChange = true });
            return serial;
        }
    }
}
