using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Configuration;
using RaftOrleans.Grains.AdoNet;
using RaftOrleans.Grains.Faults;
using RaftOrleans.Grains.Health;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Security;

namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// Builds the host of one silo: clustering and reminders on the shared <c>cluster.db</c> or PostgreSQL
/// (<c>Clustering</c> section), Raft storage on the silo's own <c>raft.db</c> or PostgreSQL (<c>Storage</c> section), stall-tolerant membership (<see cref="MembershipDefaults"/>), and the Raft key-value grains.
/// </summary>
public static class SiloHostFactory
{
    /// <summary>Environment variables with this prefix override configuration (<c>RAFTKV_Silo__Name</c>).</summary>
    public const string EnvironmentPrefix = "RAFTKV_";

    /// <summary>The configuration section of <see cref="RaftKeyValueOptions"/>.</summary>
    public const string RaftSectionName = RaftKeyValueOptions.SectionName;

    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Layers configuration: appsettings.json beside the executable, then <c>RAFTKV_</c> environment
    /// variables, then <paramref name="commandLineValues"/> (the <c>run</c> options the user gave),
    /// then <paramref name="extraArguments"/> (<c>--Section:Key=value</c> tokens).
    /// </summary>
    public static IConfigurationRoot BuildConfiguration(IDictionary<string, string?> commandLineValues, IReadOnlyList<string> extraArguments)
        => new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables(EnvironmentPrefix)
            .AddInMemoryCollection(commandLineValues)
            .AddCommandLine([.. extraArguments])
            .Build();

    /// <summary>Reads the <c>Silo</c> section.</summary>
    public static SiloHostOptions ReadOptions(IConfiguration configuration)
    {
        var options = new SiloHostOptions();
        try
        {
            configuration.GetSection(SiloHostOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"invalid Silo configuration: {e.GetBaseException().Message}", e);
        }
        return options;
    }

    /// <summary>Reads the <c>Telemetry</c> section and checks it against <paramref name="options"/>.</summary>
    public static TelemetryOptions ReadTelemetry(IConfiguration configuration, SiloHostOptions options)
    {
        var telemetry = new TelemetryOptions();
        try
        {
            configuration.GetSection(TelemetryOptions.SectionName).Bind(telemetry);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"invalid Telemetry configuration: {e.GetBaseException().Message}", e);
        }
        if (telemetry.Prometheus && options.HealthPort == 0)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, "Telemetry:Prometheus serves /metrics on the health port: give --health-port too");
        }
        if (telemetry.OtlpEndpoint.Length > 0
            && !(Uri.TryCreate(telemetry.OtlpEndpoint, UriKind.Absolute, out var otlp) && otlp.Scheme is "http" or "https"))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"Telemetry:OtlpEndpoint '{telemetry.OtlpEndpoint}' is not an http(s) URL (for example http://collector:4317)");
        }
        if (telemetry.OtlpProtocol is not ("grpc" or "http/protobuf"))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"Telemetry:OtlpProtocol must be grpc or http/protobuf, was '{telemetry.OtlpProtocol}'");
        }
        if (telemetry.TraceSampleRatio is < 0 or > 1 || double.IsNaN(telemetry.TraceSampleRatio))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"Telemetry:TraceSampleRatio must be between 0 and 1, was {telemetry.TraceSampleRatio}");
        }
        if (telemetry.OtlpExportInterval < TimeSpan.FromSeconds(1))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"Telemetry:OtlpExportInterval must be at least 1 s, was {telemetry.OtlpExportInterval}");
        }
        return telemetry;
    }

    /// <summary>Reads the <c>Security</c> section and checks it (files included); TLS stays off when it names no certificate.</summary>
    public static RaftSecurityOptions ReadSecurity(IConfiguration configuration)
    {
        var security = new RaftSecurityOptions();
        try
        {
            configuration.GetSection(RaftSecurityOptions.SectionName).Bind(security);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"invalid Security configuration: {e.GetBaseException().Message}", e);
        }
        if (RaftSecurityOptionsValidator.Validate(security) is { } error)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"Security: {error}");
        }
        return security;
    }

    /// <summary>The OTLP/HTTP traces URL beside a metrics URL (<c>.../v1/metrics</c> becomes <c>.../v1/traces</c>).</summary>
    public static Uri TracesUrl(string metricsUrl)
    {
        var url = new UriBuilder(metricsUrl);
        url.Path = url.Path.EndsWith("/v1/metrics", StringComparison.Ordinal) ? url.Path[..^"metrics".Length] + "traces" : url.Path.TrimEnd('/') + "/v1/traces";
        return url.Uri;
    }

    /// <summary>
    /// Reads the <c>Storage</c> or <c>Clustering</c> section; throws <see cref="StartupException"/> for an
    /// unknown provider or a PostgreSQL provider without a connection string.
    /// </summary>
    public static BackendSettings ReadBackend(IConfiguration configuration, string sectionName)
    {
        var settings = new BackendSettings();
        try
        {
            configuration.GetSection(sectionName).Bind(settings);
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration,
                $"invalid {sectionName}:Provider (use sqlite or postgres): {e.GetBaseException().Message}", e);
        }
        if (settings.Provider == BackendProvider.Postgres && string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw new StartupException(SiloExitCodes.BadConfiguration,
                $"{sectionName}:Provider is postgres but {sectionName}:ConnectionString is empty (set RAFTKV_{sectionName}__ConnectionString)");
        }
        return settings;
    }

    /// <summary>Builds the silo host; call after <see cref="StartupChecks"/> passed.</summary>
    public static IHost Build(IConfiguration configuration, SiloHostOptions options, IPAddress address, bool exitWithParent)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConfiguration(configuration.GetSection("Logging"));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        // Log lines go to stderr; stdout carries only the silo's own status lines.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        // Under systemd (deploy/systemd/raftkv-silo@.service, Type=notify): READY=1 once the silo has
        // joined, SIGTERM as a graceful stop, journal-formatted log lines. Does nothing elsewhere.
        builder.Services.AddSystemd();
        if (exitWithParent)
        {
            builder.Services.AddHostedService<ExitWithParentService>();
        }

        var raftSection = configuration.GetSection(RaftSectionName);
        var raftOptions = new RaftKeyValueOptions();
        raftSection.Bind(raftOptions);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = options.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = options.Name);
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
            silo.Configure<ClusterMembershipOptions>(MembershipDefaults.ApplyStallTolerant);
            silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Membership"));
            var clustering = ReadBackend(configuration, BackendSettings.ClusteringSectionName);
            if (clustering.Provider == BackendProvider.Postgres)
            {
                silo.UseRaftPostgreSqlClustering(clustering.ConnectionString!);
                silo.UseRaftPostgreSqlReminders(clustering.ConnectionString!);
            }
            else
            {
                silo.UseRaftSqliteClustering(options.ClusterDatabasePath);
                silo.UseRaftSqliteReminders(options.ClusterDatabasePath);
            }
            var storage = ReadBackend(configuration, BackendSettings.StorageSectionName);
            // Replicas delete the log chunks and snapshot rows that compaction leaves behind: remove the
            // rows, so the disk holds the state plus the retained tail, not a row per compacted chunk.
            static void DeleteOnClear(AdoNetGrainStorageOptions o) => o.DeleteStateOnClear = true;
            if (storage.Provider == BackendProvider.Postgres)
            {
                silo.AddRaftPostgreSqlGrainStorage(raftOptions.StorageProviderName, storage.ConnectionString!, DeleteOnClear);
            }
            else
            {
                silo.AddRaftSqliteGrainStorage(raftOptions.StorageProviderName, options.RaftDatabasePath, DeleteOnClear);
            }
            // Test hook (docs/nemesis.md): stalls storage writes while a control file exists; off unless configured.
            var stallFile = configuration[StorageStallHostingExtensions.ConfigurationKey];
            var replicaStorage = string.IsNullOrWhiteSpace(stallFile)
                ? raftOptions.StorageProviderName
                : silo.AddRaftStorageStallHook(raftOptions.StorageProviderName, stallFile);
            // Trace context across grain calls (client -> gateway -> leader), only when traces are exported.
            if (ReadTelemetry(configuration, options).OtlpEndpoint.Length > 0) silo.AddActivityPropagation();
            // TLS on every connection and client authorization at the gateway, when Security names a certificate (docs/security.md).
            var securitySection = configuration.GetSection(RaftSecurityOptions.SectionName);
            silo.UseRaftSecurity(o => securitySection.Bind(o));
            silo.AddRaftKeyValue(o =>
            {
                raftSection.Bind(o);
                o.StorageProviderName = replicaStorage;
            });
        });
        // The checks are registered always (an embedding app or a test can ask them); the HTTP endpoint only on request.
        builder.Services.AddHealthChecks().AddRaftKeyValueChecks();
        var telemetry = ReadTelemetry(configuration, options);
        if (options.HealthPort != 0)
        {
            builder.Services.AddHostedService(sp => new HealthEndpoint(sp.GetRequiredService<HealthCheckService>(), address, options.HealthPort, telemetry.Prometheus));
        }
        if (telemetry.OtlpEndpoint.Length > 0)
        {
            var protocol = telemetry.OtlpProtocol == "grpc" ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
            builder.Services.AddOpenTelemetry()
                .ConfigureResource(r => r.AddService("raftkv-silo", serviceInstanceId: options.Name))
                .WithMetrics(metrics => metrics.AddMeter(TelemetryOptions.Meters).AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(telemetry.OtlpEndpoint);
                    exporter.Protocol = protocol;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)telemetry.OtlpExportInterval.TotalMilliseconds;
                }))
                .WithTracing(tracing => tracing.AddSource(TelemetryOptions.Sources)
                    .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(telemetry.TraceSampleRatio)))
                    .AddOtlpExporter(exporter =>
                {
                    // Over HTTP the signal's path is part of the URL: traces go beside the metrics' /v1/metrics.
                    exporter.Endpoint = protocol == OtlpExportProtocol.Grpc ? new Uri(telemetry.OtlpEndpoint) : TracesUrl(telemetry.OtlpEndpoint);
                    exporter.Protocol = protocol;
                }));
        }
        return builder.Build();
    }
}
