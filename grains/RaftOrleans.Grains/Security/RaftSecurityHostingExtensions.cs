using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;
using RaftOrleans.Grains.Diagnostics;
using RaftOrleans.Security;

namespace RaftOrleans.Grains.Security;

/// <summary>Turns on TLS with mutual certificates and client authorization on a silo.</summary>
public static class RaftSecurityHostingExtensions
{
    /// <summary>
    /// Configures TLS on the silo port (peers must be silos: certificates from <see cref="RaftSecurityOptions.CaFile"/>
    /// with <see cref="RaftSecurityOptions.SiloOrganizationalUnit"/>), on the gateway port (clients must present a
    /// certificate from <see cref="RaftSecurityOptions.EffectiveClientCaFile"/>) and on outgoing silo connections,
    /// and adds <see cref="ClientAuthorizationFilter"/>. Does nothing while <see cref="RaftSecurityOptions.Enabled"/> is
    /// false after <paramref name="configure"/>. Idempotent.
    /// </summary>
    public static ISiloBuilder UseRaftSecurity(this ISiloBuilder builder, Action<RaftSecurityOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var probe = new RaftSecurityOptions();
        configure(probe);
        if (!probe.Enabled) return builder;
        var services = builder.Services;
        services.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(RaftSecurityMarker))) return builder;
        services.AddSingleton<RaftSecurityMarker>();
        services.AddSingleton<IConfigurationValidator, RaftSecurityOptionsValidator>();
        services.AddSingleton<SiloCertificates>();
        services.AddSingleton(sp => new ClientCredentialVerifier(
            sp.GetRequiredService<SiloCertificates>().ClientTrust,
            sp.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            sp.GetRequiredService<IOptions<RaftSecurityOptions>>().Value.CredentialMaxAge,
            sp.GetRequiredService<IOptions<RaftSecurityOptions>>().Value.ClockSkew));
        services.AddSingleton(sp => new ClientAuthorizationPolicy(sp.GetRequiredService<IOptions<RaftSecurityOptions>>().Value.Clients));
        services.AddSingleton<IIncomingGrainCallFilter, ClientAuthorizationFilter>();
        services.AddOptions<SiloConnectionOptions>().Configure<SiloCertificates, ILoggerFactory>((connections, certificates, loggers) =>
        {
            ILogger logger = loggers.CreateLogger(typeof(RaftSecurityHostingExtensions).FullName!);
            var siloPeer = certificates.TlsOptions((certificate, _, _) => Accept(logger, "silo", certificates.CheckSilo(certificate, CertificateTrust.ClientAuthentication)));
            var gatewayPeer = certificates.TlsOptions((certificate, _, _) => Accept(logger, "gateway", certificates.ClientTrust.Check(certificate, CertificateTrust.ClientAuthentication)));
            var outbound = certificates.TlsOptions((certificate, _, _) => Accept(logger, "outgoing silo", certificates.CheckSilo(certificate, CertificateTrust.ServerAuthentication)));
            connections.ConfigureSiloInboundConnection(c => c.UseServerTls(siloPeer));
            connections.ConfigureGatewayInboundConnection(c => c.UseServerTls(gatewayPeer));
            connections.ConfigureSiloOutboundConnection(c => c.UseClientTls(outbound));
            Log.TlsEnabled(logger, certificates.Own.Subject, certificates.Own.NotAfter.ToUniversalTime(), certificates.Options.Clients.Count);
        });
        return builder;
    }

    private static bool Accept(ILogger logger, string listener, string? problem)
    {
        if (problem is null) return true;
        Log.TlsPeerRefused(logger, listener, problem);
        return false;
    }

    private sealed class RaftSecurityMarker;

    /// <summary>The silo's certificate and the trust it checks peers with, loaded once.</summary>
    internal sealed class SiloCertificates
    {
        public SiloCertificates(IOptions<RaftSecurityOptions> options)
        {
            Options = options.Value;
            if (RaftSecurityOptionsValidator.Validate(Options) is { } error)
            {
                throw new OrleansConfigurationException($"Invalid {RaftSecurityOptions.SectionName} options: {error}");
            }
            Own = CertificateFiles.LoadWithKey(Options.CertificateFile, Options.EffectiveKeyFile);
            SiloTrust = new CertificateTrust(CertificateFiles.LoadAuthorities(Options.CaFile));
            ClientTrust = new CertificateTrust(CertificateFiles.LoadAuthorities(Options.EffectiveClientCaFile));
        }

        public RaftSecurityOptions Options { get; }
        public X509Certificate2 Own { get; }
        public CertificateTrust SiloTrust { get; }
        public CertificateTrust ClientTrust { get; }

        public string? CheckSilo(X509Certificate2 certificate, Oid usage)
        {
            if (SiloTrust.Check(certificate, usage) is { } problem) return problem;
            return CertificateTrust.OrganizationalUnits(certificate).Contains(Options.SiloOrganizationalUnit, StringComparer.Ordinal)
                ? null
                : $"certificate '{CertificateTrust.CommonName(certificate)}' is not a silo certificate (no OU={Options.SiloOrganizationalUnit})";
        }

        public TlsOptions TlsOptions(RemoteCertificateValidator validate) => new()
        {
            LocalCertificate = Own,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            HandshakeTimeout = Options.HandshakeTimeout,
            // Our own chain check replaces the platform's (which knows nothing of the cluster CA).
            RemoteCertificateValidation = validate,
        };
    }
}
