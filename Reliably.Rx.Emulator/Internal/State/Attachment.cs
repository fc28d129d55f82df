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
    public Attachment(Session session, ChannelState channel, ChannelName name, int modes, ChannelParams parameters)
    {
        Session = session;
        Channel = channel;
        Name = name;
        Modes = modes;
        Params = parameters;
        Filter = name.Filter is { } expression ? MessageFilter.Compile(expression) : null;
    }

    public Session Session { get; }

    public ChannelState Channel { get; }

    public ChannelName Name { get; }

    /// <summary>The channel name on every frame sent to this attachment.</summary>
    public string WireName => Name.Wire;

    public int Modes { get; }

    public ChannelParams Params { get; }

    public MessageFilter? Filter { get; }

    public bool Has(int mode) => (Modes & mode) != 0;

    /// <summary>Sends a channel frame as this attachment must see it.</summary>
    public void Deliver(OutgoingFrame frame)
    {
        if (Filter is null && WireName == Channel.Name)
        {
            Session.Send(frame);
            return;
        }

        var copy = (JObject)frame.Message.DeepClone();
        copy["channel"] = WireName;
        if (Filter is not null && copy["messages"] is JArray messages)
        {
            var kept = new JArray(messages.Where(m => m is JObject o && Filter.Matches(o)));
            if (kept.Count == 0)
            {
                return;
            }

            copy["messages"] = kept;
        }

        Session.Send(new OutgoingFrame(copy));
    }
}
