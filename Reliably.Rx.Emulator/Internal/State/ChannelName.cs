using System.Text;
using Reliably.Rx.Emulator.Internal.Protocol;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>
/// A channel name as a client wrote it, parsed per Ably's naming rules (error 40010): not empty, not starting with
/// <c>:</c>, no newline, and a leading <c>[...]</c> only when it is a qualifier Ably knows. Qualifiers:
/// <c>[?rewind=1]name</c> (channel params in the name), <c>[filter=&lt;base64 JMESPath&gt;]name</c> and
/// <c>[filter=...?params]name</c> (derived channels, RTS5a1/RTS5a2), <c>[meta]name</c> (metachannels).
/// </summary>
/// <param name="Wire">The name exactly as sent: frames to this attachment carry it.</param>
/// <param name="Resource">The channel whose messages and presence this name reaches (the name without a params or
/// filter qualifier; metachannels keep their qualifier), used for state and capability checks.</param>
/// <param name="QualifierParams">Params given in the qualifier (<c>?rewind=1</c>), or empty.</param>
/// <param name="Filter">A derived channel's JMESPath filter, decoded, or null.</param>
internal sealed record ChannelName(string Wire, string Resource, IReadOnlyDictionary<string, string> QualifierParams, string? Filter)
{
    private static readonly IReadOnlyDictionary<string, string> NoParams = new Dictionary<string, string>();

    /// <summary>Parses and validates a name; throws 40010 (status 400) for an invalid one.</summary>
    public static ChannelName Parse(string? wire)
    {
        if (string.IsNullOrEmpty(wire))
        {
            throw Invalid("channel name must not be empty", wire);
        }

        if (!wire.StartsWith('['))
        {
            CheckPlain(wire, wire);
            return new ChannelName(wire, wire, NoParams, null);
        }

        var close = wire.IndexOf(']');
        if (close < 0)
        {
            throw Invalid("unterminated qualifier", wire);
        }

        var qualifier = wire[1..close];
        var rest = wire[(close + 1)..];
        CheckPlain(rest, wire);
        var question = qualifier.IndexOf('?');
        var kind = question >= 0 ? qualifier[..question] : qualifier;
        var parameters = question >= 0 ? ParseParams(qualifier[(question + 1)..], wire) : NoParams;
        if (kind.Length == 0)
        {
            // "[?rewind=1]name": only params; "[]name" qualifies nothing and is refused like any unknown qualifier.
            return question >= 0
                ? new ChannelName(wire, rest, parameters, null)
                : throw Invalid("empty qualifier", wire);
        }

        if (kind.StartsWith("filter=", StringComparison.Ordinal))
        {
            return new ChannelName(wire, rest, parameters, DecodeFilter(kind["filter=".Length..], wire));
        }

        if (kind == "meta")
        {
            return new ChannelName(wire, "[meta]" + rest, parameters, null);
        }

        throw Invalid("unknown qualifier [" + kind + "]", wire);
    }

    private static void CheckPlain(string name, string wire)
    {
        if (name.Length == 0)
        {
            throw Invalid("channel name must not be empty", wire);
        }

        if (name[0] is ':' or '[')
        {
            throw Invalid("channel name must not start with '" + name[0] + "'", wire);
        }

        if (name.Contains('\n') || name.Contains('\r'))
        {
            throw Invalid("channel name must not contain newlines", wire);
        }
    }

    private static Dictionary<string, string> ParseParams(string query, string wire)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw Invalid("malformed qualifier parameter '" + pair + "'", wire);
            }

            result[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
        }

        return result;
    }

    private static string DecodeFilter(string base64, string wire)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(base64.Replace('-', '+').Replace('_', '/')));
            return text.Length > 0 ? text : throw Invalid("empty filter expression", wire);
        }
        catch (FormatException)
        {
            throw Invalid("filter qualifier is not base64", wire);
        }
    }

    private static AblyException Invalid(string why, string? wire) =>
        new(40010, 400, "Invalid channel name: " + why + " ('" + wire + "')");
}
