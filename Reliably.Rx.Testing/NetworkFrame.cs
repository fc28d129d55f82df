namespace Reliably.Rx.Testing;

/// <summary>A frame crossing the in-memory network, as a loss rule sees it.</summary>
/// <param name="Direction">Which way it travels.</param>
/// <param name="ConnectionId">The server's id of the connection it belongs to.</param>
/// <param name="Frame">The frame, decoded.</param>
public sealed record NetworkFrame(FrameDirection Direction, string? ConnectionId, ProtocolFrame Frame);
