namespace Reliably.Rx.Emulator;

/// <summary>Which way a recorded frame travelled.</summary>
public enum EmulatorFrameDirection
{
    /// <summary>Client to emulator.</summary>
    Inbound,

    /// <summary>Emulator to client (recorded when actually written to the socket).</summary>
    Outbound,
}
