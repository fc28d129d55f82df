using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;
using Reliably.Rx.Emulator.Internal.Auth;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.Realtime;

namespace Reliably.Rx.Emulator.Internal.State;

/// <summary>Live and resumable connections, by connectionId.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly EmulatorServer _server;

    public SessionRegistry(EmulatorServer server) => _server = server;

    public IEnumerable<Session> All => _sessions.Values;

    public Session? Find(string connectionId) => _sessions.GetValueOrDefault(connectionId);

    public void Remove(Session session) => _sessions.TryRemove(new KeyValuePair<string, Session>(session.Id, session));

    /// <summary>
    /// Opens or continues a connection. A known, unexpired <paramref name="resumeKey"/> continues the same connectionId
    /// with a new key (RTN15c6, RTN16); otherwise a new connection is created and the CONNECTED carries 80018 (a key this
    /// server never issued) or 80008 (its connection expired or is unknown), per PROTOCOL.md 4.5.
    /// </summary>
    public Session Connect(AuthContext auth, WsTransport transport, bool echo, string? resumeKey)
    {
        JObject? error = null;
        if (resumeKey is not null)
        {
            var bang = resumeKey.IndexOf('!');
            if (!ConnectionKeys.IsGenuine(_server.ConnectionKeySecret, resumeKey))
            {
                error = ErrorInfo.Create(80018, 400, "Invalid connection key: " + resumeKey);
            }
            else if (_sessions.TryGetValue(resumeKey[..bang], out var existing) && !existing.Discarded
                && existing.OwnsKey(resumeKey) && existing.App == auth.App && CompatibleIdentity(existing.Auth, auth))
            {
                existing.AdoptAuth(auth);
                existing.Connect(transport, echo, null, continued: true);
                return existing;
            }
            else
            {
                error = ErrorInfo.Create(80008, 400, "Unable to recover connection (connection expired or unknown)");
            }
        }

        var session = new Session(_server, auth, echo);
        _sessions[session.Id] = session;
        session.Connect(transport, echo, error, continued: false);
        return session;
    }

    private static bool CompatibleIdentity(AuthContext existing, AuthContext next) =>
        existing.ClientId is null || existing.ClientId == "*" || next.ClientId == "*" || next.ClientId == existing.ClientId;
}
