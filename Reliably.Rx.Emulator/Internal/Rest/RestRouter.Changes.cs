using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Rest;

/// <summary>Message updates, deletes and appends (RSL15), a message's versions (RSL14) and its latest version (RSL11).</summary>
internal sealed partial class RestRouter
{
    private async Task ChangeMessageAsync(RestExchange x, string channel, string serial)
    {
        var auth = Authenticate(x);
        var body = await x.ReadBodyAsync().ConfigureAwait(false);
        if (body is not JObject change)
        {
            throw ErrorInfo.BadRequest("Body must be a message");
        }

        // RSL15b: the path names the message; a serial in the body, if any, must agree.
        if (change["serial"] is { Type: JTokenType.String } bodySerial && (string?)bodySerial != serial)
        {
            throw new AblyException(40003, 400, "The serial in the body differs from the serial in the path");
        }

        change["serial"] = serial;
        var versionSerial = Session.Change(auth.App, channel, change, auth.Capability, auth.ClientId, null, null);
        await x.WriteAsync(200, new JObject { ["versionSerial"] = versionSerial }).ConfigureAwait(false);
    }

    private async Task GetMessageAsync(RestExchange x, string channel, string serial)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "history");
        var found = auth.App.TryGetChannel(channel)?.LatestVersion(serial)
            ?? throw new AblyException(40400, 404, "Message not found: " + serial);
        await x.WriteAsync(200, DataCodec.Egress(found, x.Format)).ConfigureAwait(false);
    }

    private async Task MessageVersionsAsync(RestExchange x, string channel, string serial)
    {
        var auth = Authenticate(x);
        Require(auth, channel, "history");
        var versions = (auth.App.TryGetChannel(channel) ?? throw new AblyException(40400, 404, "Message not found: " + serial)).AllVersions(serial);
        await WriteOldestFirstPageAsync(x, "versions", versions).ConfigureAwait(false);
    }

    /// <summary>One page of a message's items (versions, annotations), oldest first unless the query asks otherwise.</summary>
    private static async Task WriteOldestFirstPageAsync(RestExchange x, string resource, IReadOnlyList<JObject> items)
    {
        var backwards = Pagination.Backwards(x, defaultBackwards: false);
        var limit = Pagination.Limit(x);
        var indexes = Enumerable.Range(0, items.Count).ToList();
        if (backwards)
        {
            indexes.Reverse();
        }

        var (page, next) = Pagination.Page(indexes, i => i, x.QLong("from"), limit, backwards);
        Pagination.SetLinks(x, resource, limit, backwards, next);
        await x.WriteAsync(200, DataCodec.EgressArray(page.Select(i => items[i]), x.Format)).ConfigureAwait(false);
    }
}
