using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>One connection's attachment to one channel, with the modes granted (RTL4m).</summary>
internal sealed class Attachment
{
    public Attachment(Session session, ChannelState channel, int modes, JObject? parameters)
    {
        Session = session;
        Channel = channel;
        Modes = modes;
        Params = parameters;
    }

    public Session Session { get; }

    public ChannelState Channel { get; }

    public int Modes { get; }

    public JObject? Params { get; }

    public bool Has(int mode) => (Modes & mode) != 0;
}
