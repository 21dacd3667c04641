namespace RaftOrleans.Grains.Security;

/// <summary>
/// TLS and client authorization of a silo: configuration section <c>Security</c>
/// (<c>RAFTKV_Security__CertificateFile</c>, <c>--Security:CertificateFile=...</c>, or the
/// <c>raftkv-silo run --tls-*</c> options). Off by default: with no <see cref="CertificateFile"/> the
/// silo speaks plain TCP and authorizes nothing, as before. On, every silo-to-silo and client
/// connection is TLS with certificates on both sides, and every client call is checked against
/// <see cref="Clients"/> (docs/security.md).
/// </summary>
public sealed class RaftSecurityOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Security";

    /// <summary>The organizational unit a silo certificate's subject carries by default (<c>OU=raftkv-silo</c>).</summary>
    public const string DefaultSiloOrganizationalUnit = "raftkv-silo";

    /// <summary>This silo's certificate (PEM); it must allow both TLS server and client authentication. Empty: TLS off.</summary>
    public string CertificateFile { get; set; } = "";

    /// <summary>The private key of <see cref="CertificateFile"/> (PEM, unencrypted); empty: the key is in the certificate file.</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>The CA certificate(s) (PEM) silo certificates must be issued by.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>The CA certificate(s) (PEM) client certificates must be issued by; empty: <see cref="CaFile"/>.</summary>
    public string ClientCaFile { get; set; } = "";

    /// <summary>
    /// A peer on the silo port must present a certificate whose subject has this organizational unit
    /// (a client certificate from the same CA cannot pose as a silo). Default <c>raftkv-silo</c>.
    /// </summary>
    public string SiloOrganizationalUnit { get; set; } = DefaultSiloOrganizationalUnit;

    /// <summary>
    /// What each client identity (its certificate's common name) may do. An identity not listed here is
    /// refused every call: fail closed. Keys are matched exactly (ordinal).
    /// </summary>
    public Dictionary<string, ClientGrant> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How old a client credential may be (clients sign a new one well before). Default 1 hour.</summary>
    public TimeSpan CredentialMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far a client's clock may run ahead of the silo's. Default 5 minutes.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a TLS handshake may take. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>True when TLS (and with it client authorization) is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificateFile);

    /// <summary>The key file to load: <see cref="KeyFile"/>, else <see cref="CertificateFile"/>.</summary>
    public string EffectiveKeyFile => string.IsNullOrWhiteSpace(KeyFile) ? CertificateFile : KeyFile;

    /// <summary>The client CA file to load: <see cref="ClientCaFile"/>, else <see cref="CaFile"/>.</summary>
    public string EffectiveClientCaFile => string.IsNullOrWhiteSpace(ClientCaFile) ? CaFile : ClientCaFile;
}
