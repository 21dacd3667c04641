using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RaftOrleans.Testing.Security;

/// <summary>
/// A throwaway CA made at run time (ECDSA P-256), for tests of TLS and client authorization: it issues
/// silo and client certificates, valid or expired, as objects or as PEM files in a folder. Nothing is
/// ever written outside the folder a test gives, and no key is committed.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    /// <summary>Extended key usage "TLS Web Server Authentication".</summary>
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    /// <summary>Extended key usage "TLS Web Client Authentication".</summary>
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    private readonly ECDsa _key;

    private TestCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    /// <summary>The CA certificate (with its key).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Makes a CA named <paramref name="name"/>, valid from a day ago for 30 days.</summary>
    public static TestCertificateAuthority Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        return new TestCertificateAuthority(certificate, key);
    }

    /// <summary>A silo certificate: CN=<paramref name="name"/>, OU=raftkv-silo, server and client authentication, SAN 127.0.0.1.</summary>
    public X509Certificate2 IssueSilo(string name) => Issue($"CN={name}, OU=raftkv-silo", [ServerAuth, ClientAuth]);

    /// <summary>A client certificate: CN=<paramref name="name"/>, client authentication, valid from <paramref name="notBefore"/> to <paramref name="notAfter"/> (default: a day ago to 30 days on).</summary>
    public X509Certificate2 IssueClient(string name, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
        => Issue($"CN={name}, OU=raftkv-client", [ClientAuth], notBefore, notAfter);

    /// <summary>Issues a certificate (with its private key) for <paramref name="subject"/> with the given extended key usages.</summary>
    public X509Certificate2 Issue(string subject, string[] usages, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (string usage in usages) oids.Add(new Oid(usage));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var now = DateTimeOffset.UtcNow;
        DateTimeOffset from = notBefore ?? now.AddDays(-1);
        DateTimeOffset to = notAfter ?? now.AddDays(29);
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using X509Certificate2 issued = request.Create(Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), from, to, serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes the CA certificate as PEM to <paramref name="path"/>; returns the path.</summary>
    public string WriteCertificate(string path)
    {
        File.WriteAllText(path, Certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>Writes <paramref name="certificate"/> to <c>{directory}/{name}.crt</c> and its key to <c>{name}.key</c>; returns both paths.</summary>
    public static (string Certificate, string Key) WritePem(X509Certificate2 certificate, string directory, string name)
    {
        string certificatePath = Path.Combine(directory, $"{name}.crt");
        string keyPath = Path.Combine(directory, $"{name}.key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        using ECDsa key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("no private key");
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
