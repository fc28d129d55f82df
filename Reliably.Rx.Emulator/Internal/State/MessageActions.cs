namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Message actions on the wire (TM5): a create, and the changes a client may request of an earlier message.</summary>
internal static class MessageActions
{
    public const int Create = 0;
    public const int Update = 1;
    public const int Delete = 2;
    public const int Summary = 4;
    public const int Append = 5;

    /// <summary>True for the actions that change an earlier message (RSL15b1, RTL32b1).</summary>
    public static bool IsChange(int action) => action is Update or Delete or Append;
}
