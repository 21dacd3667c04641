using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RaftOrleans.Security;

namespace RaftOrleans.Grains.Security;

/// <summary>
/// Turns the credential bytes a client call carries into the client's identity (its certificate's common
/// name), or says why not. A credential is checked in full once (chain to the client CA, validity,
/// client-authentication usage, signature, age) and then remembered by its SHA-256 hash, so the
/// per-call cost is one hash and a lookup; a remembered credential is still refused once it grows too old or
/// its certificate expires.
/// </summary>
public sealed class ClientCredentialVerifier
{
    private const int MaxRemembered = 4096;
    private readonly CertificateTrust _trust;
    private readonly string _serviceId;
    private readonly TimeSpan _maxAge;
    private readonly TimeSpan _skew;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    /// <summary>Verifies against <paramref name="trust"/> for the cluster's <paramref name="serviceId"/>.</summary>
    public ClientCredentialVerifier(CertificateTrust trust, string serviceId, TimeSpan maxAge, TimeSpan skew, TimeProvider? time = null)
    {
        _trust = trust;
        _serviceId = serviceId;
        _maxAge = maxAge;
        _skew = skew;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The identity <paramref name="credential"/> proves, or null with <paramref name="problem"/> saying why none.</summary>
    public string? Verify(object? credential, out string problem)
    {
        if (credential is not byte[] bytes)
        {
            problem = credential is null ? "the call carries no client credential (connect with a client certificate)" : "the client credential is malformed";
            return null;
        }
        DateTimeOffset now = _time.GetUtcNow();
        string hash = Convert.ToHexString(SHA256.HashData(bytes));
        if (!_verified.TryGetValue(hash, out Verified? verified))
        {
            verified = VerifyInFull(bytes, out problem);
            if (verified is null) return null;
            if (_verified.Count >= MaxRemembered) _verified.Clear();
            _verified[hash] = verified;
        }
        if (now - verified.IssuedAt > _maxAge)
        {
            problem = $"the client credential of '{verified.Identity}' is older than {_maxAge}";
            return null;
        }
        if (now > verified.NotAfter)
        {
            problem = $"the certificate of '{verified.Identity}' expired at {verified.NotAfter:u}";
            return null;
        }
        problem = "";
        return verified.Identity;
    }

    private Verified? VerifyInFull(byte[] bytes, out string problem)
    {
        ClientCredential? credential = ClientCredential.TryParse(bytes);
        if (credential is null)
        {
            problem = "the client credential is malformed";
            return null;
        }
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(credential.CertificateBytes);
        }
        catch (CryptographicException)
        {
            problem = "the client credential's certificate cannot be read";
            return null;
        }
        using (certificate)
        {
            if (_trust.Check(certificate, CertificateTrust.ClientAuthentication) is { } untrusted)
            {
                problem = untrusted;
                return null;
            }
            if (!credential.VerifySignature(certificate, _serviceId))
            {
                problem = $"the client credential of '{CertificateTrust.CommonName(certificate)}' has a bad signature (signed by another key, or for another service id than '{_serviceId}')";
                return null;
            }
            DateTimeOffset now = _time.GetUtcNow();
            if (credential.IssuedAt > now + _skew)
            {
                problem = $"the client credential of '{CertificateTrust.CommonName(certificate)}' is issued in the future ({credential.IssuedAt:u})";
                return null;
            }
            problem = "";
            return new Verified(CertificateTrust.CommonName(certificate), credential.IssuedAt, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        }
    }

    private sealed record Verified(string Identity, DateTimeOffset IssuedAt, DateTimeOffset NotAfter);
}
