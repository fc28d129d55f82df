namespace Reliably.Rx.Serialization;

/// <summary>The two wire formats (RSC8).</summary>
internal enum WireFormat
{
    Json,
    MsgPack,
}
