namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>ProtocolMessage flag bits (TR3).</summary>
internal static class Flags
{
    public const int HasPresence = 1;
    public const int HasBacklog = 2;
    public const int Resumed = 4;

    /// <summary>ATTACH: the client considers this attach a continuation, so no rewind applies (deprecated; older clients set it).</summary>
    public const int AttachResume = 32;
    public const int Presence = 1 << 16;
    public const int Publish = 1 << 17;
    public const int Subscribe = 1 << 18;
    public const int PresenceSubscribe = 1 << 19;
    public const int AnnotationPublish = 1 << 21;
    public const int AnnotationSubscribe = 1 << 22;
    public const int ObjectSubscribe = 1 << 24;
    public const int ObjectPublish = 1 << 25;

    /// <summary>All mode bits a client may request in ATTACH (RTL4l).</summary>
    public const int AllModes = Presence | Publish | Subscribe | PresenceSubscribe | AnnotationPublish
        | AnnotationSubscribe | ObjectSubscribe | ObjectPublish;

    /// <summary>
    /// Modes granted when none are requested, as far as the capability allows: what Ably grants by default, as ably-js's
    /// own suite expects it (presence, publish, subscribe, presence_subscribe, annotation_publish). Subscribing to
    /// annotations and objects must be asked for.
    /// </summary>
    public const int DefaultModes = Presence | Publish | Subscribe | PresenceSubscribe | AnnotationPublish;
}
