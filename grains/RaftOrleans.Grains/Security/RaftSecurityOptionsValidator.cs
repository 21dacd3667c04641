using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using RaftOrleans.Security;

namespace RaftOrleans.Grains.Security;

/// <summary>Rejects unusable <see cref="RaftSecurityOptions"/> at silo start with a message naming the setting or file.</summary>
public sealed class RaftSecurityOptionsValidator(IOptions<RaftSecurityOptions> options) : IConfigurationValidator
{
    /// <inheritdoc />
    public void ValidateConfiguration()
    {
        if (Validate(options.Value) is { } error)
        {
            throw new OrleansConfigurationException($"Invalid {RaftSecurityOptions.SectionName} options: {error}");
        }
    }

    /// <summary>Returns the first problem with <paramref name="o"/> (loading its files included), or null. TLS off is valid.</summary>
    public static string? Validate(RaftSecurityOptions o)
    {
        if (!o.Enabled)
        {
            return o.Clients.Count > 0 || !string.IsNullOrWhiteSpace(o.CaFile)
                ? "CertificateFile is empty but other Security settings are given: set CertificateFile, KeyFile and CaFile to turn TLS on"
                : null;
        }
        if (string.IsNullOrWhiteSpace(o.CaFile)) return "CaFile is required with CertificateFile (the CA that issued the silo certificates)";
        if (string.IsNullOrWhiteSpace(o.SiloOrganizationalUnit)) return "SiloOrganizationalUnit must not be empty";
        if (o.CredentialMaxAge <= TimeSpan.Zero) return $"CredentialMaxAge must be positive, was {o.CredentialMaxAge}";
        if (o.ClockSkew < TimeSpan.Zero) return $"ClockSkew must not be negative, was {o.ClockSkew}";
        if (o.HandshakeTimeout <= TimeSpan.Zero) return $"HandshakeTimeout must be positive, was {o.HandshakeTimeout}";
        foreach (var (name, grant) in o.Clients)
        {
            if (string.IsNullOrWhiteSpace(name)) return "a Clients entry has an empty name";
            if (grant is null) return $"Clients:{name} is empty";
            if (!Enum.IsDefined(grant.Access)) return $"Clients:{name}:Access must be ReadOnly, ReadWrite or Admin";
            if (grant.Prefixes.Any(p => p is null)) return $"Clients:{name}:Prefixes holds an empty entry";
        }
        try
        {
            using X509Certificate2 own = CertificateFiles.LoadWithKey(o.CertificateFile, o.EffectiveKeyFile);
            var trust = new CertificateTrust(CertificateFiles.LoadAuthorities(o.CaFile));
            CertificateFiles.LoadAuthorities(o.EffectiveClientCaFile);
            if (trust.Check(own, CertificateTrust.ServerAuthentication) is { } serverProblem) return $"the silo certificate {o.CertificateFile}: {serverProblem}";
            if (trust.Check(own, CertificateTrust.ClientAuthentication) is { } clientProblem) return $"the silo certificate {o.CertificateFile} (it also connects to other silos): {clientProblem}";
            if (!CertificateTrust.OrganizationalUnits(own).Contains(o.SiloOrganizationalUnit, StringComparer.Ordinal))
            {
                return $"the silo certificate {o.CertificateFile} ('{own.Subject}') has no OU={o.SiloOrganizationalUnit}; other silos would refuse it";
            }
        }
        catch (CertificateFileException e)
        {
            return e.Message;
        }
        return null;
    }
}
