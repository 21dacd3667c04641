using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace RaftOrleans.Security;

/// <summary>
/// The proof of identity a client attaches to every grain call (in the Orleans request context, under
/// <see cref="RequestContextKey"/>): its TLS client certificate, the time it was made, and a signature
/// over both (and the service id) with the certificate's private key. A gateway accepts it only when
/// the certificate chains to the cluster's client CA and the signature verifies, so a client that merely
/// sets a request-context value cannot claim anyone's identity without holding that identity's private
/// key (docs/security.md: why a signed credential and not the connection's certificate).
/// </summary>
/// <remarks>
/// Layout, little-endian: <c>"RKC1"</c>, issued-at (int64 Unix milliseconds), certificate length (int32),
/// certificate (DER), signature length (int32), signature. The signature covers
/// <see cref="SignedBytes"/>: a fixed context string, the service id and everything before the signature.
/// ECDSA keys sign with SHA-256 (IEEE P1363), RSA keys with SHA-256 and PKCS#1 v1.5.
/// </remarks>
public sealed class ClientCredential
{
    /// <summary>The request-context key the credential travels under.</summary>
    public const string RequestContextKey = "raftkv-credential";

    private static readonly byte[] Magic = "RKC1"u8.ToArray();
    private const string Context = "raftkv client credential v1";
    private const int MaxBytes = 16 * 1024;

    private ClientCredential(DateTimeOffset issuedAt, byte[] certificate, byte[] signature, byte[] body)
    {
        IssuedAt = issuedAt;
        CertificateBytes = certificate;
        Signature = signature;
        Body = body;
    }

    /// <summary>When the client made the credential.</summary>
    public DateTimeOffset IssuedAt { get; }

    /// <summary>The client's certificate (DER).</summary>
    public byte[] CertificateBytes { get; }

    /// <summary>The signature.</summary>
    public byte[] Signature { get; }

    /// <summary>Everything before the signature, as sent.</summary>
    private byte[] Body { get; }

    /// <summary>Makes and signs a credential with <paramref name="certificate"/>'s private key.</summary>
    public static byte[] Create(X509Certificate2 certificate, string serviceId, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] der = certificate.RawData;
        var body = new byte[Magic.Length + 8 + 4 + der.Length];
        Magic.CopyTo(body, 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(4), issuedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(12), der.Length);
        der.CopyTo(body, 16);
        byte[] signed = SignedBytes(serviceId, body);
        byte[] signature;
        if (certificate.GetECDsaPrivateKey() is { } ecdsa)
        {
            using (ecdsa) signature = ecdsa.SignData(signed, HashAlgorithmName.SHA256);
        }
        else if (certificate.GetRSAPrivateKey() is { } rsa)
        {
            using (rsa) signature = rsa.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        else
        {
            throw new CertificateFileException($"certificate '{certificate.Subject}' has no ECDSA or RSA private key to sign the client credential with");
        }
        var result = new byte[body.Length + 4 + signature.Length];
        body.CopyTo(result, 0);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(body.Length), signature.Length);
        signature.CopyTo(result, body.Length + 4);
        return result;
    }

    /// <summary>Parses <paramref name="bytes"/>; null when they are not a well-formed credential.</summary>
    public static ClientCredential? TryParse(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < 20 || bytes.Length > MaxBytes || !bytes.AsSpan(0, 4).SequenceEqual(Magic)) return null;
        long issuedAt = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(4));
        int certificateLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        if (certificateLength <= 0 || 16 + certificateLength + 4 > bytes.Length) return null;
        int bodyLength = 16 + certificateLength;
        int signatureLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bodyLength));
        if (signatureLength <= 0 || bodyLength + 4 + signatureLength != bytes.Length) return null;
        if (issuedAt < 0 || issuedAt > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds()) return null;
        return new ClientCredential(
            DateTimeOffset.FromUnixTimeMilliseconds(issuedAt),
            bytes.AsSpan(16, certificateLength).ToArray(),
            bytes.AsSpan(bodyLength + 4, signatureLength).ToArray(),
            bytes.AsSpan(0, bodyLength).ToArray());
    }

    /// <summary>True when <see cref="Signature"/> was made by <paramref name="certificate"/>'s key for <paramref name="serviceId"/>.</summary>
    public bool VerifySignature(X509Certificate2 certificate, string serviceId)
    {
        byte[] signed = SignedBytes(serviceId, Body);
        try
        {
            if (certificate.GetECDsaPublicKey() is { } ecdsa)
            {
                using (ecdsa) return ecdsa.VerifyData(signed, Signature, HashAlgorithmName.SHA256);
            }
            if (certificate.GetRSAPublicKey() is { } rsa)
            {
                using (rsa) return rsa.VerifyData(signed, Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            }
        }
        catch (CryptographicException)
        {
        }
        return false;
    }

    private static byte[] SignedBytes(string serviceId, byte[] body)
    {
        byte[] prefix = Encoding.UTF8.GetBytes($"{Context}\n{serviceId}\n");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed, prefix.Length);
        return signed;
    }
}
