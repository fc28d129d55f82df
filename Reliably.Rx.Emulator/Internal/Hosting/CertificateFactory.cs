using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Reliably.Rx.Emulator.Internal.Hosting;

/// <summary>Generates the self-signed development certificate used when TLS is on.</summary>
internal static class CertificateFactory
{
    public static X509Certificate2 Create(IEnumerable<IPAddress> addresses)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Reliably.Rx.Emulator", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var ephemeral = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        // Round-trip through PFX so the private key is usable by SslStream on every platform.
#if NET9_0_OR_GREATER
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
#else
        return new X509Certificate2(ephemeral.Export(X509ContentType.Pfx));
#endif
    }
}
