namespace Reliably.Rx.Conformance.Tests.Realtime.Integration;

/// <summary>
/// uts/realtime/integration/delta_decoding_test.md (PC3, RTL18, RTL19b, RTL20), once per protocol (json, msgpack):
/// translated ahead of vcdiff delta support (a decoder plugin, and an emulator that generates deltas for channels
/// attached with <c>params: { delta: "vcdiff" }</c>). Each body lists the case's calls as they will be written.
/// </summary>
[TestFixture]
[Category("uts/realtime/integration/delta_decoding_test.md")]
public sealed class DeltaDecodingTests
{
    private const string NoDeltas = "not implemented: vcdiff deltas (RTL19, RTL20, RTL21, PC3)";

    // UTS: realtime/integration/PC3/delta-decode-end-to-end-0
    [Test]
    [Ignore(NoDeltas)]
    public void PC3_DeltaPluginDecodesMessagesEndToEnd([Values("json", "msgpack")] string protocol)
    {
        // ClientOptions with a counting vcdiff decoder plugin; channel with Params { delta = vcdiff }, attached; any
        // ATTACHING fails the test; publish the 5 test_data objects named "0".."4"; await 5 received.
        // Assert: names and data match in order; decode count == 4 (the first is a full payload).
        Assert.Fail(NoDeltas);
    }

    // UTS: realtime/integration/RTL19b/dissimilar-payloads-no-delta-0
    [Test]
    [Ignore(NoDeltas)]
    public void RTL19b_DissimilarPayloadsReceivedWithoutDeltaEncoding([Values("json", "msgpack")] string protocol)
    {
        // As PC3 with 5 random 1 KiB binary payloads; await 5 received.
        // Assert: names and data match; the decode count is only logged (the server may still send deltas).
        Assert.Fail(NoDeltas);
    }

    // UTS: realtime/integration/PC3/no-deltas-without-param-1
    [Test]
    [Ignore(NoDeltas)]
    public void PC3_NoDeltasWithoutDeltaChannelParam([Values("json", "msgpack")] string protocol)
    {
        // Counting decoder plugin; channel WITHOUT the delta param; publish the 5 test_data objects; await 5.
        // Assert: names and data match; decode count == 0.
        Assert.Fail(NoDeltas);
    }

    // UTS: realtime/integration/RTL18/recovery-message-id-mismatch-0
    [Test]
    [Ignore(NoDeltas)]
    public void RTL18_RTL18b_RTL18c_RTL20_RecoveryAfterLastMessageIdMismatch([Values("json", "msgpack")] string protocol)
    {
        // Delta channel; publish test_data[0..2], await 3; clear the channel's stored last message id (internal);
        // publish test_data[3..4]; await every name "0".."4" received (duplicates allowed after recovery).
        // Assert: each name's data matches; the first ATTACHING reason has code 40018.
        Assert.Fail(NoDeltas);
    }

    // UTS: realtime/integration/RTL18/recovery-decode-failure-1
    [Test]
    [Ignore(NoDeltas)]
    public void RTL18_RTL18c_RecoveryAfterDecodeFailure([Values("json", "msgpack")] string protocol)
    {
        // A decoder plugin that always throws; delta channel; publish the 5 test_data objects; await >= 5 received.
        // Assert: each name's data matches; the first ATTACHING reason has code 40018.
        Assert.Fail(NoDeltas);
    }

    // UTS: realtime/integration/PC3/no-plugin-causes-failed-2
    [Test]
    [Ignore(NoDeltas)]
    public void PC3_NoPluginCausesFailed([Values("json", "msgpack")] string protocol)
    {
        // Subscriber without a plugin on a delta channel; a separate publisher publishes the 5 test_data objects.
        // AWAIT_STATE subChannel FAILED; Assert: errorReason code 40019.
        Assert.Fail(NoDeltas);
    }
}
