using Reliably.Rx.Auth;
using Reliably.Rx.Realtime;

namespace Reliably.Rx.Tests.Realtime.Components;

[TestFixture]
public sealed class AuthRenewalTests
{
    [Test]
    public async Task RTN14b_a_renewal_renews_the_current_token_and_without_one_gets_the_current_credentials()
    {
        var provider = new FakeAuthProvider(basic: false);
        var auth = new AuthRenewal(provider);
        var first = await auth.Obtain(renew: true, CancellationToken.None, out var renewed);
        Assert.That(renewed, Is.False, "nothing to renew yet");
        Assert.That(provider.RenewCalls, Is.Zero);

        auth.Credentials = first;
        var second = await auth.Obtain(renew: true, CancellationToken.None, out renewed);
        Assert.That(renewed, Is.True);
        Assert.That(provider.RenewCalls, Is.EqualTo(1));
        Assert.That(second.Token!.Token, Is.Not.EqualTo(first.Token!.Token));

        var current = await auth.Obtain(renew: false, CancellationToken.None, out renewed);
        Assert.That((renewed, current.Token!.Token), Is.EqualTo((false, second.Token!.Token)));
    }

    [Test]
    public void A_provider_that_throws_gives_a_faulted_task_not_an_exception()
    {
        var auth = new AuthRenewal(new ThrowingProvider());
        var pending = auth.Obtain(renew: false, CancellationToken.None, out _);
        Assert.That(pending.IsFaulted, Is.True);
    }

    [Test]
    public void RTC8_waiters_complete_with_the_outcome_once()
    {
        var auth = new AuthRenewal(new FakeAuthProvider());
        var ok = new TaskCompletionSource<bool>();
        auth.Await(ok);
        auth.Complete(null);
        Assert.That(ok.Task.IsCompletedSuccessfully, Is.True);

        var failed = new TaskCompletionSource<bool>();
        auth.Await(failed);
        Assert.That(auth.Waiting, Is.EqualTo(1));
        auth.Complete(new ErrorInfo(80019, 401, "no token"));
        Assert.That(failed.Task.Exception!.GetBaseException(), Is.TypeOf<AblyException>().With.Property("Code").EqualTo(80019));
        Assert.That(auth.Waiting, Is.Zero);
    }

    [Test]
    public void RSA4c1_a_failure_to_obtain_a_token_is_80019_with_status_401_and_the_cause()
    {
        var error = AuthRenewal.AttemptError(new AblyException(50000, 500, "auth server down"), out var fatal);
        Assert.That((error.Code, error.StatusCode, fatal), Is.EqualTo((ErrorCodes.AuthCallbackFailed, 401, false)));
        Assert.That(error.Cause!.Code, Is.EqualTo(50000));
    }

    [Test]
    public void RSA4d_a_403_while_obtaining_a_token_is_fatal_and_the_callbacks_own_error_is_the_cause()
    {
        var callback = new ErrorInfo(ErrorCodes.AuthCallbackError, 401, "callback failed") { Cause = new ErrorInfo(40300, 403, "forbidden") };
        var error = AuthRenewal.AttemptError(new AblyException(callback), out var fatal);
        Assert.That((error.Code, error.StatusCode, fatal), Is.EqualTo((ErrorCodes.AuthCallbackFailed, 403, true)));
        Assert.That(error.Cause!.Code, Is.EqualTo(40300));
    }

    [Test]
    public void RSA4a2_no_means_to_renew_is_fatal_and_surfaced_as_it_is()
    {
        var error = AuthRenewal.AttemptError(new AblyException(ErrorCodes.NoMeansToRenewToken, 401, "no means"), out var fatal);
        Assert.That((error.Code, fatal), Is.EqualTo((ErrorCodes.NoMeansToRenewToken, true)));
    }

    private sealed class ThrowingProvider : IAuthProvider
    {
        public bool UsesBasicAuth => false;

        public bool CanRenewToken => true;

        public string? ClientId => null;

        public ValueTask<AuthCredentials> GetCredentialsAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("broken");

        public ValueTask<AuthCredentials> RenewAsync(AuthCredentials rejected, CancellationToken cancellationToken) => throw new InvalidOperationException("broken");

        public void OnClientIdConfirmed(string? clientId)
        {
        }
    }
}
