using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Reliably.Rx.Security;

/// <summary>
/// TLS server certificate validation for REST and realtime connections: the platform's validation, plus the exact
/// certificates of <see cref="ClientOptions.TrustedServerCertificates"/> (for a local server with a self-signed
/// certificate, such as Reliably.Rx.Emulator started with TLS).
/// </summary>
internal static class ServerCertificateTrust
{
    /// <summary>
    /// Null when no certificate is pinned, so the platform's validation applies unchanged. Otherwise a callback that
    /// accepts what the platform accepts, and a pinned certificate whose only fault is its chain (self-signed or from an
    /// unknown authority): the host name must still match and a certificate must be presented.
    /// </summary>
    public static RemoteCertificateValidationCallback? Callback(ClientOptions options)
    {
        if (options.TrustedServerCertificates is not { Count: > 0 } pinned)
        {
            return null;
        }

        // Compared by their DER bytes: an exact certificate, not a name or an issuer.
        var trusted = pinned.Select(c => c.RawData).ToArray();
        return (_, certificate, _, errors) =>
            errors == SslPolicyErrors.None
            || (errors == SslPolicyErrors.RemoteCertificateChainErrors
                && certificate is not null
                && trusted.Any(raw => raw.AsSpan().SequenceEqual(certificate.GetRawCertData())));
    }
}
