using Reliably.Rx.Channels;

namespace Reliably.Rx;

/// <summary>An annotation of a message on the channel (RTAN4b), in the channel's order.</summary>
public sealed record AnnotationNotification : ChannelNotification
{
    internal AnnotationNotification(long sequence, Annotation annotation)
        : base(sequence)
    {
        Annotation = annotation;
    }

    /// <summary>The annotation, decoded; immutable and shared by every subscriber.</summary>
    public Annotation Annotation { get; }

    internal override FeedKinds Kind => FeedKinds.Annotation;
}
