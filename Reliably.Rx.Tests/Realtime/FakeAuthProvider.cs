using Reliably.Rx.Auth;

namespace Reliably.Rx.Tests.Realtime;

/// <summary>A scripted <see cref="IAuthProvider"/>: Basic auth, or tokens <c>token-1</c>, <c>token-2</c>... renewed on demand.</summary>
internal sealed class FakeAuthProvider : IAuthProvider
{
    private AuthCredentials _current;

    public FakeAuthProvider(bool basic = true, bool canRenew = true)
    {
        UsesBasicAuth = basic;
        CanRenewToken = canRenew;
        _current = basic ? new AuthCredentials { Key = "appId.keyId:secret" } : NewToken();
    }

    public bool UsesBasicAuth { get; }

    public bool CanRenewToken { get; set; }

    public string? ClientId { get; private set; }

    public int TokensIssued { get; private set; }

    public int RenewCalls { get; private set; }

    /// <summary>When set, the next credential request fails with this exception.</summary>
    public Exception? FailNext { get; set; }

    public string? ConfirmedClientId { get; private set; }

    public ValueTask<AuthCredentials> GetCredentialsAsync(CancellationToken cancellationToken)
    {
        if (TakeFailure() is { } failure)
        {
            return ValueTask.FromException<AuthCredentials>(failure);
        }

        return ValueTask.FromResult(_current);
    }

    public ValueTask<AuthCredentials> RenewAsync(AuthCredentials rejected, CancellationToken cancellationToken)
    {
        RenewCalls++;
        if (TakeFailure() is { } failure)
        {
            return ValueTask.FromException<AuthCredentials>(failure);
        }

        if (!CanRenewToken)
        {
            return ValueTask.FromException<AuthCredentials>(new AblyException(ErrorCodes.NoMeansToRenewToken, 401, "no means"));
        }

        _current = NewToken();
        return ValueTask.FromResult(_current);
    }

    public void OnClientIdConfirmed(string? clientId) => ConfirmedClientId = clientId;

    private Exception? TakeFailure()
    {
        var failure = FailNext;
        FailNext = null;
        return failure;
    }

    private AuthCredentials NewToken() => new() { Token = new TokenDetails("token-" + ++TokensIssued) };
}
