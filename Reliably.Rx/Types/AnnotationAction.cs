namespace Reliably.Rx;

/// <summary>The action of an annotation (TAN2b): numeric on the wire, in this order from zero.</summary>
public enum AnnotationAction
{
    /// <summary>Adds the annotation to the message's summary (<c>annotation.create</c>).</summary>
    Create = 0,

    /// <summary>Removes an earlier annotation from the message's summary (<c>annotation.delete</c>); what it removes depends on the type.</summary>
    Delete = 1,
}
