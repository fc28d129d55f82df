namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// Marks a case that found Reliably.Rx diverging from the features spec. The text says what the library did and how it
/// was fixed; the test asserts the spec's behaviour and passes since the fix. docs/conformance.md lists every one.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class DivergenceAttribute(string description) : PropertyAttribute("Divergence", description);

/// <summary>
/// Marks a case whose intent is translated to Reliably.Rx's deliberately different API or behaviour (an Rx stream
/// instead of a callback, a Task instead of a listener, ...). The text says what differs and why the test still checks
/// the spec's intent. docs/conformance.md lists every one.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class AdaptedAttribute(string description) : PropertyAttribute("Adapted", description);
