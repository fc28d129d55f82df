namespace Reliably.Rx;

/// <summary>TM2a, TM2c, TM2f, TP3: what a received message or presence message takes from its ProtocolMessage when it lacks it.</summary>
internal static class ProtocolMessageFill
{
    public static void Fill(ref string? id, ref string? connectionId, ref DateTimeOffset? timestamp, string? frameId, int index, string? frameConnectionId, long? frameTimestamp)
    {
        if (id is null && frameId is not null)
        {
            id = frameId + ":" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        connectionId ??= frameConnectionId;
        if (timestamp is null && frameTimestamp is { } ms)
        {
            timestamp = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
    }
}
