using System.Security.Cryptography.X509Certificates;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Testing.Security;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// Three silo processes with TLS on and client grants, and the certificates the tests connect with, all
/// made at run time in a temporary folder (deleted on dispose): a CA, another CA, the silos', and clients
/// admin (Admin), writer (ReadWrite), reader (ReadOnly), app (ReadWrite under <c>app/</c>), stranger
/// (valid, no grant), writer with an expired certificate, writer from the other CA.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    private ProcessCluster? _cluster;

    /// <summary>The folder holding every certificate and key.</summary>
    public string CertificateDirectory { get; } = Path.Combine(Path.GetTempPath(), $"raftkv-tls-{Guid.NewGuid():N}");

    /// <summary>The cluster CA (PEM).</summary>
    public string CaFile => Path.Combine(CertificateDirectory, "ca.crt");

    /// <summary>The data directory of the cluster.</summary>
    public string DataDirectory { get; } = ProcessCluster.NewDataDirectoryPath();

    /// <summary>The running cluster (its own client arguments connect as admin).</summary>
    public ProcessCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not started");

    /// <summary>The certificate and key files of a client identity written by <see cref="InitializeAsync"/>.</summary>
    public (string Certificate, string Key) Client(string file)
        => (Path.Combine(CertificateDirectory, $"{file}.crt"), Path.Combine(CertificateDirectory, $"{file}.key"));

    /// <summary>The client's connection options for <paramref name="file"/>'s certificate.</summary>
    public string[] ConnectAs(string file)
    {
        var (certificate, key) = Client(file);
        return ["--data", DataDirectory, "--cacert", CaFile, "--cert", certificate, "--key", key];
    }

    /// <summary>The client certificate of <paramref name="file"/>, with its key.</summary>
    public X509Certificate2 Load(string file)
    {
        var (certificate, key) = Client(file);
        return X509Certificate2.CreateFromPemFile(certificate, key);
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(CertificateDirectory);
        using var ca = TestCertificateAuthority.Create("raftkv-test-ca");
        using var otherCa = TestCertificateAuthority.Create("raftkv-test-ca");
        ca.WriteCertificate(CaFile);
        for (int i = 1; i <= 3; i++)
        {
            using X509Certificate2 silo = ca.IssueSilo($"silo{i}");
            TestCertificateAuthority.WritePem(silo, CertificateDirectory, $"silo{i}");
        }
        foreach (string name in new[] { "admin", "writer", "reader", "app", "stranger" })
        {
            using X509Certificate2 client = ca.IssueClient(name);
            TestCertificateAuthority.WritePem(client, CertificateDirectory, name);
        }
        var now = DateTimeOffset.UtcNow;
        using (X509Certificate2 expired = ca.IssueClient("writer", now.AddDays(-10), now.AddDays(-1)))
        {
            TestCertificateAuthority.WritePem(expired, CertificateDirectory, "writer-expired");
        }
        using (X509Certificate2 foreign = otherCa.IssueClient("writer"))
        {
            TestCertificateAuthority.WritePem(foreign, CertificateDirectory, "writer-other-ca");
        }
        var (adminCertificate, adminKey) = Client("admin");
        _cluster = await ProcessCluster.StartAsync(
            siloArguments:
            [
                "--tls-ca", CaFile,
                "--Security:Clients:admin:Access=Admin",
                "--Security:Clients:writer:Access=ReadWrite",
                "--Security:Clients:reader:Access=ReadOnly",
                "--Security:Clients:app:Access=ReadWrite",
                "--Security:Clients:app:Prefixes:0=app/",
            ],
            clientConnection: ["--data", DataDirectory, "--cacert", CaFile, "--cert", adminCertificate, "--key", adminKey],
            dataDirectory: DataDirectory,
            argumentsOfSilo: i => ["--tls-cert", Path.Combine(CertificateDirectory, $"silo{i}.crt"), "--tls-key", Path.Combine(CertificateDirectory, $"silo{i}.key")]);
    }

    /// <inheritdoc />
    public Task DisposeAsync()
    {
        _cluster?.Dispose();
        try
        {
            Directory.Delete(CertificateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }
}
