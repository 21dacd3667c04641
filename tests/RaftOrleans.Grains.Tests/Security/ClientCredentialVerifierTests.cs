using System.Security.Cryptography.X509Certificates;
using RaftOrleans.Grains.Security;
using RaftOrleans.Security;
using RaftOrleans.Testing.Security;
using Xunit;

namespace RaftOrleans.Grains.Tests.Security;

/// <summary>
/// The credential a gateway authorizes by cannot be claimed without the identity's private key: only a
/// signature by a certificate of the cluster's client CA, valid now, made for this service and recently, counts.
/// </summary>
public sealed class ClientCredentialVerifierTests : IDisposable
{
    private const string ServiceId = "raftkv-test";
    private readonly TestCertificateAuthority _ca = TestCertificateAuthority.Create("test-ca");
    private readonly TestCertificateAuthority _otherCa = TestCertificateAuthority.Create("other-ca");
    private readonly X509Certificate2 _writer;
    private readonly X509Certificate2 _reader;
    private readonly ClientCredentialVerifier _verifier;

    public ClientCredentialVerifierTests()
    {
        _writer = _ca.IssueClient("writer");
        _reader = _ca.IssueClient("reader");
        _verifier = Verifier(TimeProvider.System);
    }

    private ClientCredentialVerifier Verifier(TimeProvider time)
        => new(new CertificateTrust(new X509Certificate2Collection(_ca.Certificate), time), ServiceId, TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), time);

    private static byte[] Sign(X509Certificate2 certificate, DateTimeOffset? at = null, string serviceId = ServiceId)
        => ClientCredential.Create(certificate, serviceId, at ?? DateTimeOffset.UtcNow);

    [Fact]
    public void AValidCredentialProvesItsCommonName()
    {
        Assert.Equal("writer", _verifier.Verify(Sign(_writer), out string problem));
        Assert.Equal("", problem);
        // Remembered: the same bytes verify again without the full check, to the same identity.
        Assert.Equal("writer", _verifier.Verify(Sign(_writer), out _));
    }

    [Fact]
    public void NoCredentialIsRefused()
    {
        Assert.Null(_verifier.Verify(null, out string problem));
        Assert.Equal("the call carries no client credential (connect with a client certificate)", problem);
    }

    [Theory]
    [InlineData("writer")]
    [InlineData("admin")]
    public void ARequestContextValueThatIsNotASignedCredentialIsRefused(string claimed)
    {
        Assert.Null(_verifier.Verify(claimed, out string problem));
        Assert.Equal("the client credential is malformed", problem);
        Assert.Null(_verifier.Verify(System.Text.Encoding.UTF8.GetBytes(claimed), out problem));
        Assert.Equal("the client credential is malformed", problem);
    }

    [Fact]
    public void AnotherIdentitysCertificateWithoutItsKeyIsRefused()
    {
        // The reader signs, but puts the writer's (public) certificate in the credential.
        byte[] readers = Sign(_reader);
        ClientCredential parsed = ClientCredential.TryParse(readers)!;
        byte[] writerCertificate = _writer.RawData;
        var forged = new List<byte>();
        forged.AddRange("RKC1"u8.ToArray());
        forged.AddRange(BitConverter.GetBytes(parsed.IssuedAt.ToUnixTimeMilliseconds()));
        forged.AddRange(BitConverter.GetBytes(writerCertificate.Length));
        forged.AddRange(writerCertificate);
        forged.AddRange(BitConverter.GetBytes(parsed.Signature.Length));
        forged.AddRange(parsed.Signature);
        Assert.Null(_verifier.Verify(forged.ToArray(), out string problem));
        Assert.StartsWith("the client credential of 'writer' has a bad signature", problem);
    }

    [Fact]
    public void ATamperedSignatureIsRefused()
    {
        byte[] bytes = Sign(_writer);
        bytes[^1] ^= 0x5a;
        Assert.Null(_verifier.Verify(bytes, out string problem));
        Assert.Contains("bad signature", problem);
    }

    [Fact]
    public void ACredentialForAnotherServiceIsRefused()
    {
        Assert.Null(_verifier.Verify(Sign(_writer, serviceId: "another-cluster"), out string problem));
        Assert.Contains("bad signature", problem);
    }

    [Fact]
    public void ACertificateFromAnotherCaIsRefused()
    {
        using X509Certificate2 stranger = _otherCa.IssueClient("writer");
        Assert.Null(_verifier.Verify(Sign(stranger), out string problem));
        Assert.StartsWith("certificate 'writer' is not issued by the cluster CA", problem);
    }

    [Fact]
    public void AnExpiredCertificateIsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        using X509Certificate2 expired = _ca.IssueClient("writer", now.AddDays(-3), now.AddDays(-1));
        Assert.Null(_verifier.Verify(Sign(expired), out string problem));
        Assert.StartsWith("certificate 'writer' expired at", problem);
    }

    [Fact]
    public void ACertificateNotForClientAuthenticationIsRefused()
    {
        using X509Certificate2 serverOnly = _ca.Issue("CN=writer", [TestCertificateAuthority.ServerAuth]);
        Assert.Null(_verifier.Verify(Sign(serverOnly), out string problem));
        Assert.Contains("does not allow", problem);
    }

    [Fact]
    public void AnOldOrFutureCredentialIsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Null(_verifier.Verify(Sign(_writer, now.AddHours(-2)), out string problem));
        Assert.Contains("older than", problem);
        Assert.Null(_verifier.Verify(Sign(_writer, now.AddHours(1)), out problem));
        Assert.Contains("issued in the future", problem);
    }

    [Fact]
    public void ARememberedCredentialExpiresWithItsAge()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        ClientCredentialVerifier verifier = Verifier(time);
        byte[] credential = Sign(_writer, time.GetUtcNow());
        Assert.Equal("writer", verifier.Verify(credential, out _));
        time.Now += TimeSpan.FromMinutes(61);
        Assert.Null(verifier.Verify(credential, out string problem));
        Assert.Contains("older than", problem);
    }

    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    public void Dispose()
    {
        _writer.Dispose();
        _reader.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
    }
}
