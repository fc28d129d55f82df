namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>ProtocolMessage action numbers (TR2).</summary>
internal static class Actions
{
    public const int Heartbeat = 0;
    public const int Ack = 1;
    public const int Nack = 2;
    public const int Connect = 3;
    public const int Connected = 4;
    public const int Disconnect = 5;
    public const int Disconnected = 6;
    public const int Close = 7;
    public const int Closed = 8;
    public const int Error = 9;
    public const int Attach = 10;
    public const int Attached = 11;
    public const int Detach = 12;
    public const int Detached = 13;
    public const int Presence = 14;
    public const int Message = 15;

    /// <summary>ANNOTATION: annotations of published messages (RTAN1c, RTAN4b).</summary>
    public const int Annotation = 21;
    public const int Sync = 16;
    public const int Auth = 17;
}
