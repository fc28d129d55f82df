namespace Reliably.Rx.Emulator;

/// <summary>A ProtocolMessage recorded on a connection, for asserting what a client sent or received.</summary>
/// <param name="Timestamp">When the emulator received or sent it.</param>
/// <param name="Direction">Client→server (<see cref="EmulatorFrameDirection.Inbound"/>) or server→client.</param>
/// <param name="Action">The ProtocolMessage action number (TR2), e.g. 10 for ATTACH.</param>
/// <param name="Json">The message as JSON (binary data shown as base64), whatever the wire format was.</param>
public sealed record EmulatorFrame(DateTimeOffset Timestamp, EmulatorFrameDirection Direction, int Action, string Json);
