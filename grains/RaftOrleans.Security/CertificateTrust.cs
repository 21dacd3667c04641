using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RaftOrleans.Security;

/// <summary>
/// Decides whether a peer's certificate was issued by the cluster's own CA (and only that CA: the
/// machine's trust store plays no part), is valid now, and is meant for the use at hand (TLS server or
/// TLS client authentication). Host names are not checked: silos advertise IP addresses, and the CA is
/// the cluster's own, so a certificate from it is the proof.
/// </summary>
public sealed class CertificateTrust
{
    /// <summary>Extended key usage "TLS Web Server Authentication".</summary>
    public static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    /// <summary>Extended key usage "TLS Web Client Authentication".</summary>
    public static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2Collection _authorities;
    private readonly TimeProvider _time;

    /// <summary>Trusts exactly <paramref name="authorities"/>.</summary>
    public CertificateTrust(X509Certificate2Collection authorities, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(authorities);
        if (authorities.Count == 0) throw new ArgumentException("at least one CA certificate is needed", nameof(authorities));
        _authorities = authorities;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// Returns null when <paramref name="certificate"/> chains to one of the trusted CAs, is valid now and
    /// allows <paramref name="usage"/>; otherwise why not ("expired", "not issued by the cluster CA", ...).
    /// </summary>
    public string? Check(X509Certificate2? certificate, Oid usage)
    {
        if (certificate is null) return "no certificate presented";
        DateTime now = _time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime()) return $"certificate '{CommonName(certificate)}' is not valid before {certificate.NotBefore.ToUniversalTime():u}";
        if (now > certificate.NotAfter.ToUniversalTime()) return $"certificate '{CommonName(certificate)}' expired at {certificate.NotAfter.ToUniversalTime():u}";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        bool valid = chain.Build(certificate);
        if (!valid)
        {
            var statuses = chain.ChainStatus.Select(s => s.Status).Distinct().ToList();
            string detail = string.Join(", ", statuses);
            if (statuses.Contains(X509ChainStatusFlags.UntrustedRoot) || statuses.Contains(X509ChainStatusFlags.PartialChain))
            {
                return $"certificate '{CommonName(certificate)}' is not issued by the cluster CA ({detail})";
            }
            if (statuses.Contains(X509ChainStatusFlags.NotValidForUsage))
            {
                return $"certificate '{CommonName(certificate)}' does not allow {usage.FriendlyName ?? usage.Value} ({detail})";
            }
            return $"certificate '{CommonName(certificate)}' is not valid: {detail}";
        }
        // The chain must end at one of OUR authorities, not merely at some self-signed root.
        X509Certificate2 root = chain.ChainElements[^1].Certificate;
        if (!_authorities.Cast<X509Certificate2>().Any(a => a.RawDataMemory.Span.SequenceEqual(root.RawDataMemory.Span)))
        {
            return $"certificate '{CommonName(certificate)}' is not issued by the cluster CA";
        }
        return null;
    }

    /// <summary>The certificate's common name (CN), or its whole subject when it has none.</summary>
    public static string CommonName(X509Certificate2 certificate)
    {
        string name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return string.IsNullOrEmpty(name) ? certificate.Subject : name;
    }

    /// <summary>The organizational units (OU) of the certificate's subject.</summary>
    public static IReadOnlyList<string> OrganizationalUnits(X509Certificate2 certificate)
        => [.. certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => n.GetSingleElementType().Value == "2.5.4.11")
            .Select(n => n.GetSingleElementValue() ?? "")];
}
