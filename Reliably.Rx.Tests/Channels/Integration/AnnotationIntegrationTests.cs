using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;

namespace Reliably.Rx.Tests.Channels.Integration;

/// <summary>
/// Annotations end to end against the emulator (RTAN1, RTAN4, TM2u, TM7): publish and delete over realtime, the
/// annotations in order on an annotation-subscribe channel, the summaries folded into <c>CurrentStates</c> on another
/// client, the REST read.
/// </summary>
[TestFixture]
[Category("Integration")]
public sealed class AnnotationIntegrationTests : RealtimeEmulatorFixture
{
    private const ChannelModes All = ChannelModes.Publish | ChannelModes.Subscribe | ChannelModes.AnnotationPublish | ChannelModes.AnnotationSubscribe;

    [TestCaseSource(nameof(Formats))]
    public async Task TM2u_RTAN4b_summaries_fold_into_current_states_and_annotations_arrive_in_order(string format)
    {
        var annotatorClient = await ConnectedClient(format, o => o with { ClientId = "alice" });
        var readerClient = await ConnectedClient(format);
        var name = "mutable:" + UniqueChannel("annotations");
        var annotator = annotatorClient.Channels.Get(name, new ChannelOptions { Modes = All });
        var reader = readerClient.Channels.Get(name);
        await annotator.AttachAsync().WaitAsync(Wait);
        await reader.AttachAsync().WaitAsync(Wait);

        var tallies = reader.CurrentStates()
            .Where(m => m.Annotations!.Summary.ContainsKey("reaction:distinct.v1"))
            .Select(m => AnnotationSummaries.DistinctV1(m.Annotations!.Summary["reaction:distinct.v1"]))
            .Select(byName => string.Join(" ", byName.Select(r => $"{r.Key}x{r.Value.Total}")))
            .Take(3).ToList().ToTask();
        var seen = annotator.Annotations.EventsOf("reaction:distinct.v1").Select(a => $"{a.ClientId} {a.Action} {a.Name}").Take(3).ToList().ToTask();
        var other = annotator.Annotations.EventsOf("other:total.v1").Take(1).ToTask();

        var serial = (await annotator.PublishAsync("text", "ship it?").WaitAsync(Wait)).Serials[0]!;
        await annotator.Annotations.PublishAsync(serial, new Annotation { Type = "reaction:distinct.v1", Name = "+1" }).WaitAsync(Wait);
        await annotator.Annotations.PublishAsync(serial, new Annotation { Type = "reaction:distinct.v1", Name = "rocket" }).WaitAsync(Wait);
        await annotator.Annotations.DeleteAsync(serial, new Annotation { Type = "reaction:distinct.v1", Name = "+1" }).WaitAsync(Wait);
        await annotator.Annotations.PublishAsync(serial, new Annotation { Type = "other:total.v1", Data = new byte[] { 1, 2 } }).WaitAsync(Wait);

        Assert.That(await tallies.WaitAsync(Wait), Is.EqualTo(new[] { "+1x1", "+1x1 rocketx1", "rocketx1" }));
        Assert.That(await seen.WaitAsync(Wait), Is.EqualTo(new[] { "alice Create +1", "alice Create rocket", "alice Delete +1" }));
        var total = await other.WaitAsync(Wait);
        Assert.That((total.Data, total.MessageSerial), Is.EqualTo(((object)new byte[] { 1, 2 }, serial)));

        var stored = await reader.Annotations.GetAsync(serial).WaitAsync(Wait);
        Assert.That(stored.Items.Select(a => (a.Action, a.Name)), Is.EqualTo(new (AnnotationAction, string?)[]
        {
            (AnnotationAction.Create, "+1"), (AnnotationAction.Create, "rocket"), (AnnotationAction.Delete, "+1"), (AnnotationAction.Create, null),
        }));
        Assert.That(stored.Items.Select(a => a.Serial), Is.Ordered.Using((IComparer<string?>)StringComparer.Ordinal));
    }
}
