using System.Security.Cryptography.X509Certificates;

namespace RaftOrleans.Security;

/// <summary>
/// The client side of TLS (<c>raftkv --cert --key --cacert</c>, or an application's own Orleans client): this client's certificate and key, and
/// the CA the silos' certificates must be issued by. The certificate is both the TLS client certificate
/// and the key that signs the credential the gateway authorizes calls by (docs/security.md).
/// </summary>
public sealed record ClientTlsSettings
{
    /// <summary>The client certificate (PEM); it must allow TLS client authentication.</summary>
    public required string CertificateFile { get; init; }

    /// <summary>Its private key (PEM, unencrypted); empty: the key is in <see cref="CertificateFile"/>.</summary>
    public string KeyFile { get; init; } = "";

    /// <summary>The CA certificate(s) (PEM) that issued the silos' certificates.</summary>
    public required string CaFile { get; init; }

    /// <summary>How often a new credential is signed (the silos accept one for an hour by default). Default 10 minutes.</summary>
    public TimeSpan CredentialRefresh { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Loads the files; throws <see cref="CertificateFileException"/> naming the first unusable one.</summary>
    internal (X509Certificate2 Certificate, CertificateTrust Trust) Load()
    {
        X509Certificate2 certificate = CertificateFiles.LoadWithKey(CertificateFile, string.IsNullOrWhiteSpace(KeyFile) ? CertificateFile : KeyFile);
        return (certificate, new CertificateTrust(CertificateFiles.LoadAuthorities(CaFile)));
    }
}
