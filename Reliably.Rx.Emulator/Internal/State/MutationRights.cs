using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// Who may change a message, as Ably's capabilities say: <c>message-update-any</c> / <c>message-delete-any</c> act on
/// any client's messages; <c>message-update-own</c> / <c>message-delete-own</c> only on messages the requester
/// published under its own clientId, so an unidentified requester holding only an "own" form is refused with 40166.
/// An append is a kind of update and needs the update capability.
/// </summary>
internal sealed class MutationRights
{
    private readonly bool _any;
    private readonly bool _own;
    private readonly string? _clientId;
    private readonly string _verb;
    private readonly string _operation;

    private MutationRights(bool any, bool own, string? clientId, string verb, string operation)
    {
        _any = any;
        _own = own;
        _clientId = clientId;
        _verb = verb;
        _operation = operation;
    }

    /// <summary>The rights of a requester on a channel for a message action (1 update, 2 delete, 5 append).</summary>
    public static MutationRights For(Capability capability, string channel, string? clientId, int action)
    {
        var (operation, verb) = action == MessageActions.Delete ? ("message-delete", "delete") : ("message-update", action == MessageActions.Append ? "append to" : "update");
        return new MutationRights(capability.Allows(channel, operation + "-any"), capability.Allows(channel, operation + "-own"), clientId, verb, operation);
    }

    /// <summary>Throws unless the requester may change a message published by <paramref name="author"/>.</summary>
    public void Check(string? author)
    {
        if (_any)
        {
            return;
        }

        if (!_own)
        {
            throw ErrorInfo.CapabilityDenied($"{_operation}-own or {_operation}-any to {_verb} a message");
        }

        if (_clientId is null or "*")
        {
            throw new AblyException(40166, 401,
                $"Unable to {_verb} message: anonymous clients require the '{_operation}-any' capability (they cannot have own messages, so '{_operation}-own' does not apply)");
        }

        if (author != _clientId)
        {
            throw ErrorInfo.CapabilityDenied($"{_operation}-any to {_verb} a message published by another client");
        }
    }
}
