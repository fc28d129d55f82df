namespace Reliably.Rx.PayloadEncoding;

/// <summary>
/// A channel's delta state (RTL19, RTL20): the base payload, in its wire form once an outermost base64 step is undone
/// (string or bytes), and the id of the message it came from, kept as copies (<see cref="DeltaSlot"/>). Applies the
/// <c>vcdiff</c> step of delta messages. Owned by the channel's loop.
/// </summary>
internal sealed class DeltaBase(IVcdiffDecoder? decoder)
{
    public const string Step = "vcdiff";

    // Two states, created with the first frame and reused for the channel's life: the base saved before the current
    // frame and the base after its latest message (RTL18b). A new base is copied into one of them (DeltaSlot), so no
    // message's young objects are referenced from here. The saved mark lives in the slot: a channel that never received
    // a message holds two null references.
    private DeltaSlot? _current;
    private DeltaSlot? _spare;

    /// <summary>Marks the state before a frame, to go back to when the frame is discarded (RTL18b).</summary>
    public Saved Save()
    {
        if (_current is { } current)
        {
            // The frame's first base goes to the other slot, leaving this one as it is.
            current.Saved = true;
        }

        return new Saved(_current);
    }

    /// <summary>Goes back to the state <paramref name="saved"/> marked (RTL18b).</summary>
    public void Restore(Saved saved)
    {
        if (saved.Slot is null)
        {
            // There was no base before the frame.
            _current?.Set(null, null);
        }
        else if (!ReferenceEquals(_current, saved.Slot))
        {
            (_current, _spare) = (_spare, _current);
        }

        Unmark();
    }

    /// <summary>The frame was kept: the state saved before it is no longer needed, and keeps no large payload alive.</summary>
    public void Commit()
    {
        Unmark();
        _spare?.Release();
    }

    /// <summary>
    /// Decodes a message's payload, delta step included, and makes its result the base (RTL19b, RTL19c, RTL20). Returns
    /// null, or the error of the first step that failed: 40018 for a delta that cannot be applied (the caller recovers,
    /// RTL18), 40019 without a decoder (PC3), 40013 for the other steps (RSL6b).
    /// </summary>
    public ErrorInfo? Decode(Message message, CipherParams? cipher, ref object? data, ref string? encoding)
    {
        // RTL19a: an outermost base64 step is undone first; its result is the wire form.
        if (LastStep(encoding) == PayloadTransform.Base64)
        {
            var step = (string?)PayloadTransform.Base64;
            if (PayloadTransform.Decode(ref data, ref step, cipher) is { } failed)
            {
                return failed;
            }

            encoding = Strip(encoding!);
        }

        if (LastStep(encoding) == Step)
        {
            if (ApplyDelta(message, ref data) is { } failed)
            {
                return failed;
            }

            encoding = Strip(encoding!);
        }

        // RTL19b, RTL19c, RTL20: whatever the remaining steps make of it, this is the next delta's base.
        Target().Set(data, message.Id);
        return string.IsNullOrEmpty(encoding) ? Done(ref encoding) : PayloadTransform.Decode(ref data, ref encoding, cipher);
    }

    private ErrorInfo? ApplyDelta(Message message, ref object? data)
    {
        if (decoder is null)
        {
            return new ErrorInfo(ErrorCodes.MissingPlugin, 400, "A delta (vcdiff) message arrived, and the client has no vcdiff decoder (ClientOptions.VcdiffDecoder is null).");
        }

        var from = message.DeltaFrom;
        var current = _current;
        if (from is null || current is null || !current.IsFrom(from))
        {
            // RTL20: the delta is against a message this channel did not see last.
            return Failed($"message {message.Id} is a delta from {from ?? "(no id)"}, but the last message on the channel was {current?.MessageId ?? "(none)"}");
        }

        if (!current.TryGetSource(out var source))
        {
            return Failed($"message {message.Id} is a delta, and there is no base payload to apply it to");
        }

        if (data is not byte[] delta)
        {
            return Failed($"the delta of message {message.Id} is not binary");
        }

        try
        {
            data = decoder.Decode(delta, source);
            return null;
        }
        catch (Exception ex)
        {
            return Failed($"message {message.Id}: {(ex is AblyException ably ? ably.ErrorInfo.Message : ex.GetType().Name + ": " + ex.Message)}");
        }
    }

    /// <summary>Where the next base goes: the spare slot for a frame's first, so that the saved state stays intact.</summary>
    private DeltaSlot Target()
    {
        if (_current is { Saved: true } saved)
        {
            saved.Saved = false;
            (_current, _spare) = (_spare ?? new DeltaSlot(), saved);
        }

        return _current ??= new DeltaSlot();
    }

    private void Unmark()
    {
        if (_current is { } current)
        {
            current.Saved = false;
        }
    }

    /// <summary>A state marked by <see cref="Save"/>.</summary>
    internal readonly record struct Saved(DeltaSlot? Slot);

    private static ErrorInfo Failed(string why) => new(ErrorCodes.DeltaDecodeFailed, 400, "Delta (vcdiff) decoding failed: " + why + ".");

    private static ErrorInfo? Done(ref string? encoding)
    {
        encoding = null;
        return null;
    }

    private static string? LastStep(string? encoding) =>
        string.IsNullOrEmpty(encoding) ? null : encoding[(encoding.LastIndexOf('/') + 1)..];

    private static string Strip(string encoding)
    {
        var slash = encoding.LastIndexOf('/');
        return slash < 0 ? string.Empty : encoding[..slash];
    }
}
