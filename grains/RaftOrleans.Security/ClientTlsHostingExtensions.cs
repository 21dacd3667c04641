using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace RaftOrleans.Security;

/// <summary>Turns on TLS with a client certificate, and the signed credential on every call, for an Orleans client of a RaftOrleans cluster.</summary>
public static class ClientTlsHostingExtensions
{
    /// <summary>
    /// Connects over TLS presenting <paramref name="settings"/>' certificate, accepts only gateways whose
    /// certificate the configured CA issued for TLS server use, and signs the credential every call
    /// carries with the same certificate's key. <paramref name="serviceId"/> must be the silos' service id
    /// (the credential is only valid for it). <paramref name="onRefused"/>, when given, hears why a gateway's
    /// certificate was refused. Throws <see cref="CertificateFileException"/> when a file cannot be used.
    /// </summary>
    public static IClientBuilder UseRaftTls(this IClientBuilder builder, ClientTlsSettings settings, string serviceId, Action<string>? onRefused = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        var (certificate, trust) = settings.Load();
        builder.UseTls(certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (remote, _, _) =>
            {
                if (trust.Check(remote, CertificateTrust.ServerAuthentication) is not { } problem) return true;
                onRefused?.Invoke($"the gateway's certificate was refused: {problem}");
                return false;
            };
        });
        builder.Services.AddSingleton(new CredentialSource(certificate, serviceId, settings.CredentialRefresh, TimeProvider.System));
        builder.Services.AddSingleton<IOutgoingGrainCallFilter, CredentialCallFilter>();
        return builder;
    }
}
