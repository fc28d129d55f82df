namespace Reliably.Rx.Conformance.Tests.Realtime.Unit.Channels;

/// <summary>
/// uts/realtime/unit/channels/channel_get_message.md (RTL28): <c>RealtimeChannel#getMessage</c>, the same as
/// <c>RestChannel#getMessage</c> (RSL11). The case defers to rest/unit/channel/get_message.md; <see cref="RealtimeChannel"/>
/// has no GetMessageAsync yet (the REST channel's is <see cref="RestChannel.GetMessageAsync"/>).
/// </summary>
[TestFixture]
[Category("uts/realtime/unit/channels/channel_get_message.md")]
public sealed class ChannelGetMessageTests
{
    // UTS: realtime/unit/RTL28/identical-to-rest-0
    [Test]
    [Ignore("not implemented: RealtimeChannel#getMessage (RTL28)")]
    public void RTL28_RealtimeChannelGetMessageIsIdenticalToRestChannelGetMessage()
    {
        // Once it exists, every case of rest/unit/channel/get_message.md runs again with
        // realtime.Channels.Get(name).GetMessageAsync(serial) in place of rest.Channels.Get(name).GetMessageAsync(serial).
        Assert.That(typeof(RealtimeChannel).GetMethod("GetMessageAsync"), Is.Not.Null);
    }
}
