using System.Reactive.Concurrency;
using Reliably.Rx.Channels;
using Reliably.Rx.PayloadEncoding;
using Reliably.Rx.Protocol;
using Reliably.Rx.Realtime;

namespace Reliably.Rx;

/// <summary>The internal seam presence builds on (RTP): frames, attach, sending, encoding, the loop.</summary>
public sealed partial class RealtimeChannel
{
    /// <summary>Receives ATTACHED, PRESENCE/SYNC frames and state changes on the loop; see <see cref="IChannelPresenceHandler"/>.</summary>
    internal IChannelPresenceHandler? PresenceHandler
    {
        get => _status.PresenceHandler;
        set => _status.PresenceHandler = value;
    }

    /// <summary>The client's loop: the only clock (<see cref="ConnectionLoop.Scheduler"/>) and <see cref="ConnectionLoop.Execute(System.Action)"/>.</summary>
    internal ConnectionLoop Loop => _loop;

    /// <summary>The loop's scheduler, the only clock.</summary>
    internal IScheduler Scheduler => _loop.Scheduler;

    /// <summary>The channel's state as the loop sees it; only meaningful on the loop.</summary>
    internal ChannelState StateOnLoop => _status.State;

    /// <summary>The channel's cipher, or null.</summary>
    internal CipherParams? Cipher => Options.Cipher;

    /// <summary>Runs <paramref name="action"/> on the loop (now when already there). False when the client is disposed.</summary>
    internal bool Execute(Action action) => _loop.Execute(action);

    /// <summary>RTP8d, RTL33: attaches implicitly unless already attached.</summary>
    internal Task EnsureAttachedAsync(CancellationToken cancellationToken) =>
        State == ChannelState.Attached ? Task.CompletedTask : AttachAsync(cancellationToken);

    /// <summary>An encoded (and encrypted) copy of a presence message for the wire (RTP8, RSL4).</summary>
    internal PresenceMessage Encode(PresenceMessage message) => MessageEncoder.Encode(message, Cipher, Format);

    /// <summary>Decodes a received presence message in place; the error of a step that could not be undone, or null.</summary>
    internal ErrorInfo? Decode(PresenceMessage message) => MessageEncoder.DecodeInPlace(message, Cipher);

    /// <summary>Reports a presence delivery problem on <see cref="SubscriberErrors"/>.</summary>
    internal void ReportError(Exception error) => _streams.ReportError(error);
}
