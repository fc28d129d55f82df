namespace Reliably.Rx.Protocol;

/// <summary>ProtocolMessage actions (TR2). Unknown values are carried through as their number, never rejected.</summary>
internal enum ProtocolAction
{
    Heartbeat = 0,
    Ack = 1,
    Nack = 2,
    Connect = 3,
    Connected = 4,
    Disconnect = 5,
    Disconnected = 6,
    Close = 7,
    Closed = 8,
    Error = 9,
    Attach = 10,
    Attached = 11,
    Detach = 12,
    Detached = 13,
    Presence = 14,
    Message = 15,
    Sync = 16,
    Auth = 17,
    Activate = 18,
    Object = 19,
    ObjectSync = 20,
    Annotation = 21,
}
