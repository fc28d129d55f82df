namespace Reliably.Rx.Testing;

/// <summary>One entry of a <see cref="ScriptedAbly"/>'s timeline.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="At">When, in scheduler time.</param>
/// <param name="Connection">The connection it happened on, for realtime events.</param>
/// <param name="Frame">The frame, for frame events.</param>
/// <param name="Request">The request, for HTTP events.</param>
public sealed record ScriptedEvent(ScriptedEventKind Kind, DateTimeOffset At, ScriptedConnection? Connection, ProtocolFrame? Frame, ScriptedHttpRequest? Request);
