namespace Reliably.Rx.Emulator.Internal.Protocol;

/// <summary>The two wire encodings Ably speaks.</summary>
internal enum WireFormat
{
    Json,
    MsgPack,
}
