namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_message_versions.md (RTL31): <c>RealtimeChannel#getMessageVersions</c>, the same as
/// <c>RestChannel#getMessageVersions</c> (RSL14). The case defers to rest/unit/channel/message_versions.md; neither
/// channel has it yet.
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_message_versions.md")]
public sealed class ChannelMessageVersionsTests
{
    // UTS: realtime/unit/RTL31/identical-to-rest-0
    [Test]
    [Ignore("not implemented: getMessageVersions (RTL31, RSL14)")]
    public void RTL31_RealtimeChannelGetMessageVersionsIsIdenticalToRestChannelGetMessageVersions()
    {
        // Once it exists, every case of rest/unit/channel/message_versions.md runs again with
        // realtime.Channels.Get(name).GetMessageVersionsAsync(serial) in place of the REST channel's.
        Assert.That(typeof(RealtimeChannel).GetMethod("GetMessageVersionsAsync"), Is.Not.Null);
    }
}
