using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Grains;
using RaftOrleans.Security;
using Xunit;

namespace RaftOrleans.EndToEnd.Tests;

/// <summary>
/// TLS with mutual certificates and client authorization, through the real <c>raftkv</c> and three real
/// silo processes (docs/security.md): each refusal is clear to the client, and a refused write never applies.
/// </summary>
public sealed class TlsTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    /// <summary>A refused connection retries until the deadline: keep it short.</summary>
    private static readonly string[] ShortDeadline = ["--timeout", "6", "--connect-timeout", "6"];

    private static Task<CliResult> Run(string[] connection, params string[] arguments)
        => ClientCli.RunAsync([.. connection, "--connect-timeout", ProcessCluster.ConnectTimeoutSeconds, .. arguments]);

    private Task<CliResult> As(string identity, params string[] arguments) => Run(fixture.ConnectAs(identity), arguments);

    private static Task<CliResult> RunRefused(string[] connection, params string[] arguments)
        => ClientCli.RunAsync([.. connection, .. ShortDeadline, .. arguments]);

    [Fact]
    public async Task AReadWriteClientWritesAndAReadOnlyClientReads()
    {
        CliResult set = await As("writer", "set", "tls/greeting", "hello");
        Assert.True(set.ExitCode == 0, set.ToString());
        CliResult get = await As("reader", "get", "tls/greeting");
        Assert.True(get.ExitCode == 0 && get.Output == "hello", get.ToString());
        CliResult status = await As("reader", "status");
        Assert.True(status.ExitCode == 0, status.ToString());
    }

    [Fact]
    public async Task AReadOnlyClientWritingIsRefusedAndNothingApplies()
    {
        CliResult set = await As("reader", "set", "tls/ro-write", "x");
        Assert.True(set.ExitCode == 6, set.ToString());
        Assert.Equal("error: permission_denied: permission denied: client 'reader' is read-only: Put is a write", set.StandardError.Trim());
        CliResult delete = await As("reader", "delete", "tls/ro-write");
        Assert.True(delete.ExitCode == 6 && delete.StandardError.Contains("read-only: Delete is a write"), delete.ToString());
        CliResult get = await As("admin", "get", "tls/ro-write");
        Assert.True(get.ExitCode == 2, $"the refused write must not exist: {get}");
    }

    [Fact]
    public async Task AClientWritingOutsideItsPrefixIsRefused()
    {
        CliResult inside = await As("app", "set", "app/setting", "on");
        Assert.True(inside.ExitCode == 0, inside.ToString());
        CliResult outside = await As("app", "set", "tls/not-app", "x");
        Assert.True(outside.ExitCode == 6, outside.ToString());
        Assert.Contains("client 'app' may not write key 'tls/not-app': outside its prefixes ('app/')", outside.StandardError);
        CliResult read = await As("app", "get", "tls/greeting");
        Assert.True(read.ExitCode == 6 && read.StandardError.Contains("may not read key 'tls/greeting'"), read.ToString());
        CliResult get = await As("admin", "get", "tls/not-app");
        Assert.True(get.ExitCode == 2, $"the refused write must not exist: {get}");
    }

    [Fact]
    public async Task AdministrativeCallsNeedAnAdminClient()
    {
        CliResult add = await As("writer", "member", "add", "silo9");
        Assert.True(add.ExitCode == 6 && add.StandardError.Contains("client 'writer' is ReadWrite: ChangeMembership needs Admin"), add.ToString());
        string file = Path.Combine(fixture.CertificateDirectory, "backup.raftkv");
        CliResult save = await As("reader", "snapshot", "save", file);
        Assert.True(save.ExitCode == 6 && save.StandardError.Contains("BeginBackup needs Admin"), save.ToString());
        Assert.False(File.Exists(file));
        CliResult list = await As("admin", "member", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
    }

    [Fact]
    public async Task AValidCertificateWithoutAGrantIsRefused()
    {
        CliResult get = await As("stranger", "get", "tls/greeting");
        Assert.True(get.ExitCode == 6 && get.StandardError.Contains("client 'stranger' has no grant on this cluster"), get.ToString());
    }

    [Fact]
    public async Task ACertificateFromAnotherCaIsRefusedAtTheHandshake()
    {
        CliResult get = await RunRefused(fixture.ConnectAs("writer-other-ca"), "get", "tls/greeting");
        Assert.True(get.ExitCode == 4 && get.StandardError.Contains("the gateway refused this client's certificate"), get.ToString());
        await SiloLogsAsync("Refused a TLS peer on the gateway port: certificate 'writer' is not issued by the cluster CA");
    }

    [Fact]
    public async Task AnExpiredCertificateIsRefusedAtTheHandshake()
    {
        CliResult get = await RunRefused(fixture.ConnectAs("writer-expired"), "get", "tls/greeting");
        Assert.True(get.ExitCode == 4 && get.StandardError.Contains("the gateway refused this client's certificate"), get.ToString());
        await SiloLogsAsync("Refused a TLS peer on the gateway port: certificate 'writer' expired at");
    }

    [Fact]
    public async Task AClientWithoutTlsIsRefused()
    {
        CliResult get = await RunRefused(["--data", fixture.DataDirectory], "get", "tls/greeting");
        Assert.True(get.ExitCode == 4 && get.StandardError.Contains("does the cluster require TLS? give --cert, --key and --cacert"), get.ToString());
    }

    [Fact]
    public async Task ATlsClientWithoutACertificateIsRefused()
        => await AssertRawTlsRefusedAsync(fixture.Cluster.Silos[0].GatewayPort, certificate: null);

    [Fact]
    public async Task AClientCertificateCannotPoseAsASilo()
    {
        using X509Certificate2 writer = CertificateFiles.LoadWithKey(fixture.Client("writer").Certificate, fixture.Client("writer").Key);
        await AssertRawTlsRefusedAsync(fixture.Cluster.Silos[1].SiloPort, writer);
        await SiloLogsAsync("Refused a TLS peer on the silo port: certificate 'writer' is not a silo certificate (no OU=raftkv-silo)");
    }

    /// <summary>A raw TLS connection to <paramref name="port"/> presenting <paramref name="certificate"/> (or none) is closed by the silo.</summary>
    private static async Task AssertRawTlsRefusedAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        var refused = await Record.ExceptionAsync(async () =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
            }, deadline.Token);
            // TLS 1.3: the client's side of the handshake ends before the server has judged it; the refusal
            // arrives as an alert or a close on the first read. A gateway that accepted would wait for the
            // Orleans preamble instead, and the read would run into the deadline.
            int read = await tls.ReadAsync(new byte[64], deadline.Token);
            if (read == 0) throw new IOException("closed by the gateway");
        });
        Assert.True(refused is IOException or System.Security.Authentication.AuthenticationException,
            $"the silo must close a connection with {(certificate is null ? "no certificate" : $"certificate '{certificate.Subject}'")} on port {port}; got {refused?.GetType().Name ?? "no error"}: {refused?.Message}");
    }

    [Fact]
    public async Task ACredentialSetByHandOrAnotherGrainInterfaceIsRefused()
    {
        // The reader's certificate passes TLS, but this client attaches no signed credential of its own:
        // what it sets in the request context is all the gateway gets.
        using X509Certificate2 reader = CertificateFiles.LoadWithKey(fixture.Client("reader").Certificate, fixture.Client("reader").Key);
        using X509Certificate2 writer = X509Certificate2.CreateFromPem(File.ReadAllText(fixture.Client("writer").Certificate));
        using IHost host = await ConnectWithoutCredentialAsync(reader, fixture.Cluster.Silos[0]);
        var client = host.Services.GetRequiredService<IClusterClient>();
        IKeyValueGrain store = client.GetGrain<IKeyValueGrain>("default");

        var none = await Assert.ThrowsAsync<AccessDeniedException>(() => store.Put("tls/forged", "x"));
        Assert.Equal("permission denied: the call carries no client credential (connect with a client certificate)", none.Message);

        RequestContext.Set(ClientCredential.RequestContextKey, "admin");
        var named = await Assert.ThrowsAsync<AccessDeniedException>(() => store.Put("tls/forged", "x"));
        Assert.Equal("permission denied: the client credential is malformed", named.Message);

        // The writer's (public) certificate, signed with the reader's key.
        byte[] signedByReader = ClientCredential.Create(reader, "raftkv", DateTimeOffset.UtcNow);
        RequestContext.Set(ClientCredential.RequestContextKey, Reframe(signedByReader, writer.RawData));
        var forged = await Assert.ThrowsAsync<AccessDeniedException>(() => store.Put("tls/forged", "x"));
        Assert.StartsWith("permission denied: the client credential of 'writer' has a bad signature", forged.Message);

        // Signed properly by the reader: the reader's grant applies (read yes, write no).
        RequestContext.Set(ClientCredential.RequestContextKey, signedByReader);
        KvResponse read = await store.Get("tls/forged");
        Assert.Equal(KvStatusCode.NotFound, read.Status);
        await Assert.ThrowsAsync<AccessDeniedException>(() => store.Put("tls/forged", "x"));

        // Past the gateway grain to a replica (an interface clients do not get, declared here by its wire names): refused whatever the credential.
        var replica = await Assert.ThrowsAsync<AccessDeniedException>(() => client.GetGrain<IReplicaLookalike>("default/1").ReadStale("tls/greeting"));
        Assert.Contains("clients may call only IKeyValueGrain", replica.Message);
        RequestContext.Clear();

        CliResult get = await As("admin", "get", "tls/forged");
        Assert.True(get.ExitCode == 2, $"no forged write may apply: {get}");
    }

    private static byte[] Reframe(byte[] credential, byte[] certificate)
    {
        ClientCredential parsed = ClientCredential.TryParse(credential)!;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RKC1"u8);
        writer.Write(parsed.IssuedAt.ToUnixTimeMilliseconds());
        writer.Write(certificate.Length);
        writer.Write(certificate);
        writer.Write(parsed.Signature.Length);
        writer.Write(parsed.Signature);
        writer.Flush();
        return stream.ToArray();
    }

    private static async Task<IHost> ConnectWithoutCredentialAsync(X509Certificate2 certificate, SiloProcess silo)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = "raftkv";
                o.ServiceId = "raftkv";
            });
            client.UseStaticClustering(LibrarySettings.Gateway(silo));
            client.UseTls(certificate, tls => tls.AllowAnyRemoteCertificate());
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
        });
        IHost host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(deadline.Token);
        return host;
    }

    private Task SiloLogsAsync(string line) => Eventually.UntilAsync(
        () => Task.FromResult(fixture.Cluster.Silos.Any(s => s.RecentOutput().Contains(line, StringComparison.Ordinal))),
        TimeSpan.FromSeconds(30), $"a silo logs \"{line}\"", fixture.Cluster.DescribeAsync);
}

/// <summary>The replica grain's interface as a client that copied its wire names would declare it.</summary>
[Alias("raftkv.IRaftReplicaGrain")]
public interface IReplicaLookalike : IGrainWithStringKey
{
    /// <summary>The replica's stale read.</summary>
    [Alias("ReadStale")] Task<KvResponse> ReadStale(string key);
}
