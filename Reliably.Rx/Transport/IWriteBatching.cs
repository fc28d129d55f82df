namespace Reliably.Rx.Transport;

/// <summary>
/// A connection stream that can gather the WebSocket's writes and hand them to the socket in one write: the outbound
/// queue begins a batch when it starts writing queued frames and ends it when the queue is empty, so a burst of publishes
/// costs one socket write (one system call, one TCP segment to wake the server) instead of one per frame.
/// </summary>
internal interface IWriteBatching
{
    /// <summary>From now on, writes are gathered (up to a limit; a larger write goes out at once, after what was gathered).</summary>
    void BeginBatch();

    /// <summary>Ends the batch and writes what was gathered, in order, before any later write.</summary>
    ValueTask EndBatchAsync();
}
