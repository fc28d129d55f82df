using System.Security.Cryptography;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Reliably.Rx.Conformance.Tests.Support;

/// <summary>
/// The specs' <c>generate_jwt(key_name, key_secret, client_id?, ttl)</c>: an Ably JWT (HS256 signed with the key secret,
/// header <c>kid</c> the key name, claims <c>iat</c>, <c>exp</c> and <c>x-ably-clientId</c>), made locally as an
/// application's auth server would.
/// </summary>
public static class Jwt
{
    /// <summary>A JWT for <paramref name="apiKey"/> (<c>appId.keyId:secret</c>), valid for <paramref name="ttl"/> (default 1 hour).</summary>
    public static string Generate(string apiKey, TimeSpan? ttl = null, string? clientId = null)
    {
        var colon = apiKey.IndexOf(':', StringComparison.Ordinal);
        var keyName = apiKey[..colon];
        var secret = apiKey[(colon + 1)..];
        var now = DateTimeOffset.UtcNow;
        var header = new JObject { ["typ"] = "JWT", ["alg"] = "HS256", ["kid"] = keyName };
        var claims = new JObject
        {
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + (ttl ?? TimeSpan.FromHours(1))).ToUnixTimeSeconds(),
        };
        if (clientId is not null)
        {
            claims["x-ably-clientId"] = clientId;
        }

        var signed = Encode(header) + "." + Encode(claims);
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signed));
        return signed + "." + Base64Url(signature);
    }

    /// <summary>An authCallback that returns a fresh JWT each time, counting its calls in <paramref name="calls"/>.</summary>
    public static Func<TokenParams, CancellationToken, Task<object>> Callback(string apiKey, string? clientId = null, Counter? calls = null, Func<int, TimeSpan>? ttlForCall = null) =>
        (_, _) =>
        {
            var call = calls?.Increment() ?? 1;
            return Task.FromResult<object>(Generate(apiKey, ttlForCall?.Invoke(call), clientId));
        };

    private static string Encode(JObject json) => Base64Url(Encoding.UTF8.GetBytes(json.ToString(Newtonsoft.Json.Formatting.None)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>
/// A thread-safe call counter (the specs' <c>callback_count++</c> from callbacks on other threads) that a test can await
/// (the specs' <c>poll_until(callback_count >= n)</c>, without polling).
/// </summary>
public sealed class Counter
{
    private readonly object _gate = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waiters = new();
    private int _value;

    /// <summary>The count so far.</summary>
    public int Value
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
    }

    /// <summary>Adds one and returns the new count.</summary>
    public int Increment()
    {
        List<TaskCompletionSource> reached;
        int value;
        lock (_gate)
        {
            value = ++_value;
            reached = _waiters.Where(w => w.Target <= value).Select(w => w.Done).ToList();
            _waiters.RemoveAll(w => w.Target <= value);
        }

        reached.ForEach(done => done.TrySetResult());
        return value;
    }

    /// <summary>Completes once the count reaches <paramref name="target"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForAsync(int target, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_value >= target)
            {
                return;
            }

            _waiters.Add((target, done));
        }

        try
        {
            await done.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The count reached {Value}, not {target}, within {timeout}.");
        }
    }
}
