using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// One connection's attachment to one channel under the name the client used, with the modes granted (RTL4m) and the
/// params that took effect (RTL4k1). Frames reach the client through <see cref="Deliver"/>, which rewrites them for a
/// qualified name (<c>[?rewind=1]name</c>, derived channels) and applies a derived channel's filter (RTS5).
/// </summary>
internal sealed class Attachment
{
    private readonly bool _asPublished;
    private volatile int _modes;

    /// <param name="session">The connection.</param>
    /// <param name="channel">The channel reached.</param>
    /// <param name="name">The name the client attached under.</param>
    /// <param name="requested">The modes the client asked for, or the default set when it asked for none.</param>
    /// <param name="permitted">The modes the connection's capability permits on the channel.</param>
    /// <param name="parameters">The params that took effect.</param>
    public Attachment(Session session, ChannelState channel, ChannelName name, int requested, int permitted, ChannelParams parameters)
    {
        Session = session;
        Channel = channel;
        Name = name;
        Requested = requested;
        _modes = requested & permitted;
        Params = parameters;
        Filter = name.Filter is { } expression ? MessageFilter.Compile(expression) : null;
        Deltas = parameters.Delta ? new DeltaEncoder() : null;
        _asPublished = Filter is null && Deltas is null && name.Wire == channel.Name;
    }

    public Session Session { get; }

    public ChannelState Channel { get; }

    public ChannelName Name { get; }

    /// <summary>The channel name on every frame sent to this attachment.</summary>
    public string WireName => Name.Wire;

    /// <summary>The modes asked for at attach (or the defaults): an operation outside them is refused with 40165.</summary>
    public int Requested { get; }

    /// <summary>The modes in effect: requested ∩ what the current capability permits (RTL4m).</summary>
    public int Modes => _modes;

    public ChannelParams Params { get; }

    public MessageFilter? Filter { get; }

    /// <summary>Set for <c>delta=vcdiff</c>. Only used under the channel's lock, which orders every delivery.</summary>
    public DeltaEncoder? Deltas { get; }

    public bool Has(int mode) => (Modes & mode) != 0;

    /// <summary>
    /// A re-authentication changed the capability (RTC8a1): the attachment keeps what it asked for, and the modes in effect
    /// follow the new capability without a re-attach, so an upgrade takes effect at once and a downgrade too.
    /// </summary>
    public void Regrant(int permitted) => _modes = Requested & permitted;

    /// <summary>Sends a channel frame as this attachment must see it. Callers hold the channel's lock.</summary>
    public void Deliver(OutgoingFrame frame)
    {
        // The common case shares the frame (and its serialized bytes) with every other subscriber.
        var messages = _asPublished ? null : frame.Action == Actions.Message ? frame.Message["messages"] as JArray : null;
        if (_asPublished || (Filter is null && WireName == Channel.Name && messages is null))
        {
            Session.Send(frame);
            return;
        }

        var copy = (JObject)frame.Message.DeepClone();
        copy["channel"] = WireName;
        if (messages is not null)
        {
            var frameId = frame.Message.Value<string?>("id");
            var kept = new List<JObject>(messages.Count);
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i] is JObject m && (Filter is null || Filter.Matches(m)))
                {
                    // Once a message is left out, the later ones move up: their ids can no longer be derived from
                    // their index (TM2a), so they carry them.
                    kept.Add(kept.Count == i ? m : Identified(m, frameId, i));
                }
            }

            if (kept.Count == 0)
            {
                return;
            }

            copy["messages"] = new JArray(Deltas is null
                ? kept.Select(m => m.DeepClone())
                : kept.Select((m, k) => Deltas.Encode(m, m.Value<string?>("id") ?? (frameId is null ? null : $"{frameId}:{k}"))));
        }

        Session.Send(new OutgoingFrame(copy));
    }

    private static JObject Identified(JObject message, string? frameId, int index)
    {
        if (message["id"] is not null || frameId is null)
        {
            return message;
        }

        var copy = (JObject)message.DeepClone();
        copy.AddFirst(new JProperty("id", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{frameId}:{index}")));
        return copy;
    }
}
