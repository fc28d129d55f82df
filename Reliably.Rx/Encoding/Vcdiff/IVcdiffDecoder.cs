namespace Reliably.Rx;

/// <summary>
/// Applies a VCDIFF delta (RFC 3284) to a base payload: the <c>vcdiff</c> step of a received message's encoding
/// (PC3, VD2a). <see cref="VcdiffDecoder"/> is the built-in implementation and the default of
/// <see cref="ClientOptions.VcdiffDecoder"/>; supply another one there to replace it.
/// </summary>
public interface IVcdiffDecoder
{
    /// <summary>The payload that <paramref name="delta"/> encodes against <paramref name="source"/> (VD2a).</summary>
    /// <param name="delta">The delta, as received (after base64 decoding).</param>
    /// <param name="source">The base payload: the previous message's payload on the channel, as bytes (PC3a).</param>
    /// <returns>The new payload.</returns>
    /// <exception cref="Exception">Any exception means the delta could not be applied; the channel recovers (RTL18).</exception>
    byte[] Decode(ReadOnlySpan<byte> delta, ReadOnlySpan<byte> source);
}
