using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RaftOrleans.Security;

/// <summary>
/// Loads the PEM files a silo or client is configured with: its own certificate with its private key,
/// and the CA certificates it trusts. Every failure is a <see cref="CertificateFileException"/> naming the
/// file and what is wrong with it, so a misconfigured process stops with one sentence.
/// </summary>
public static class CertificateFiles
{
    /// <summary>Loads a certificate and its private key from two PEM files (or one file holding both).</summary>
    public static X509Certificate2 LoadWithKey(string certificateFile, string keyFile)
    {
        RequireFile(certificateFile, "certificate");
        RequireFile(keyFile, "private key");
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
            // SslStream wants a key it can use for the handshake; a PKCS#12 round trip gives a persisted one.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new CertificateFileException($"cannot load certificate {certificateFile} with key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>Loads every certificate in a PEM file (the trusted CA certificates).</summary>
    public static X509Certificate2Collection LoadAuthorities(string caFile)
    {
        RequireFile(caFile, "CA certificate");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caFile);
        }
        catch (CryptographicException e)
        {
            throw new CertificateFileException($"cannot read CA certificates from {caFile}: {e.Message}", e);
        }
        if (authorities.Count == 0)
        {
            throw new CertificateFileException($"{caFile} holds no PEM certificate");
        }
        return authorities;
    }

    private static void RequireFile(string path, string what)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new CertificateFileException($"no {what} file given");
        }
        if (!File.Exists(path))
        {
            throw new CertificateFileException($"{what} file {Path.GetFullPath(path)} does not exist");
        }
    }
}

/// <summary>A certificate or key file that cannot be used; the message names the file and the reason.</summary>
public sealed class CertificateFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CertificateFileException(string message) : base(message) { }

    /// <summary>Creates the exception with its cause.</summary>
    public CertificateFileException(string message, Exception inner) : base(message, inner) { }
}
