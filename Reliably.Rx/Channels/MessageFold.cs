namespace Reliably.Rx.Channels;

/// <summary>
/// Folds the changes of one message into its current state, as the server does for history and getMessage: a create,
/// update or delete carries the whole message; an append carries a fragment that joins the data before it (a string
/// to a string, bytes to bytes); a summary carries the message's annotations summary. Changes are ordered by their
/// version serials, which order lexicographically (TM2s1): a change no newer than the state is a duplicate (for
/// example one seen again after a resume or from both history and the live feed) and is dropped.
/// </summary>
internal static class MessageFold
{
    /// <summary>The state after <paramref name="incoming"/>, or null when it changes nothing (stale, or not a message change).</summary>
    public static Message? Apply(Message? current, Message incoming)
    {
        if (incoming.Action is MessageAction.Meta)
        {
            return null;
        }

        if (incoming.Action is MessageAction.Summary)
        {
            // A summary is not a version of the message: it updates what the message's annotations add up to.
            return current is null ? incoming : current with { Annotations = incoming.Annotations };
        }

        if (current is not null && !IsNewer(incoming, current))
        {
            return null;
        }

        if (incoming.Action is not MessageAction.Append)
        {
            // A new version without a summary of its own keeps the summary the message had: annotations outlive edits.
            return current?.Annotations is { HasSummary: true } kept && incoming.Annotations is not { HasSummary: true }
                ? incoming with { Annotations = kept }
                : incoming;
        }

        // An append whose base was never seen cannot be joined: it stays an Append, so a reader can tell it is partial.
        return current is null ? incoming : current.Appended(incoming);
    }

    private static bool IsNewer(Message incoming, Message current) =>
        string.CompareOrdinal(incoming.Version?.Serial ?? incoming.Serial, current.Version?.Serial ?? current.Serial) > 0;
}
