using System.Collections.Concurrent;
using Reliably.Rx.Emulator.Internal.Protocol;
using Reliably.Rx.Emulator.Internal.State;

namespace Reliably.Rx.Emulator.Internal.Auth;

/// <summary>Issued tokens and used TokenRequest nonces.</summary>
internal sealed class TokenStore
{
    private static readonly TimeSpan MaxTtl = TimeSpan.FromDays(1);
    private readonly ConcurrentDictionary<string, TokenInfo> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _nonces = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ITimer, byte> _scheduled = new();
    private readonly ConcurrentQueue<Revocation> _revocations = new();
    private readonly EmulatorServer _server;
    private long _serial;

    public TokenStore(EmulatorServer server) => _server = server;

    private State.Ids Ids => _server.Ids;

    public TokenInfo? Find(string token) => _tokens.GetValueOrDefault(token);

    /// <summary>Finds an issued token, or validates and remembers an Ably JWT (so faults and revocation can target it).</summary>
    public TokenInfo? FindOrValidateJwt(string token)
    {
        if (_tokens.TryGetValue(token, out var info))
        {
            return info;
        }

        if (!JwtTokens.LooksLikeJwt(token))
        {
            return null;
        }

        var validated = JwtTokens.Validate(token, _server);
        validated.Serial = Interlocked.Increment(ref _serial);
        return _tokens.GetOrAdd(token, validated);
    }

    public IEnumerable<TokenInfo> All => _tokens.Values;

    /// <summary>The serial of the last token the store learnt of, which a revocation made now covers (RSA17).</summary>
    public long LastSerial => Interlocked.Read(ref _serial);

    /// <summary>Records an accepted revocation target (RSA17); it is enforced from its appliesAt on.</summary>
    public void Revoke(Revocation revocation) => _revocations.Enqueue(revocation);

    /// <summary>True if an applicable revocation covers <paramref name="token"/> (40141).</summary>
    public bool IsRevoked(TokenInfo token)
    {
        if (!token.Key.RevocableTokens)
        {
            return false;
        }

        var now = _server.NowMs;
        return _revocations.Any(r => r.Revokes(token, now));
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="due"/> on the server's clock (a delayed revocation, RSA17f).</summary>
    public void Schedule(TimeSpan due, Action action)
    {
        // The timer is held until it fires: an unreferenced timer could be collected before its due time.
        ITimer? timer = null;
        timer = _server.Time.CreateTimer(
            state =>
            {
                _scheduled.TryRemove(timer!, out var unused);
                action();
            },
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _scheduled[timer] = 0;
        timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Issues a token. The string never contains ':' so clients cannot mistake it for a key (RSC1a).</summary>
    public TokenInfo Issue(EmulatorKey key, EmulatorApp app, long? ttlMs, string? capability, string? clientId)
    {
        var ttl = ttlMs is { } t ? TimeSpan.FromMilliseconds(t) : _server.Options.DefaultTokenTtl;
        if (ttl <= TimeSpan.Zero || ttl > MaxTtl)
        {
            throw new AblyException(40003, 400, "Invalid ttl: must be positive and at most 24 hours");
        }

        var granted = string.IsNullOrEmpty(capability)
            ? key.ParsedCapability
            : key.ParsedCapability.Intersect(Capability.Parse(capability));
        var now = _server.NowMs;
        var info = new TokenInfo
        {
            Token = app.AppId + "." + Ids.Alnum(32),
            App = app,
            Key = key,
            Issued = now,
            Expires = now + (long)ttl.TotalMilliseconds,
            Capability = granted,
            ClientId = string.IsNullOrEmpty(clientId) ? null : clientId,
            Serial = Interlocked.Increment(ref _serial),
        };
        _tokens[info.Token] = info;
        return info;
    }

    /// <summary>Records a TokenRequest nonce; false if it was already used within the timestamp window (40105).</summary>
    public bool TryUseNonce(string keyName, string nonce, long timestamp)
    {
        var now = _server.NowMs;
        if (_nonces.Count > 10_000)
        {
            foreach (var old in _nonces.Where(kv => kv.Value < now - 3_600_000).Select(kv => kv.Key).ToList())
            {
                _nonces.TryRemove(old, out _);
            }
        }

        return _nonces.TryAdd(keyName + "\n" + nonce + "\n" + timestamp, now);
    }
}
