using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using RaftOrleans.Grains.Security;
using RaftOrleans.Silo.Hosting;
using RaftOrleans.Silo.Local;
using RaftOrleans.Silo.Migration;
using RaftOrleans.Silo.Restore;

namespace RaftOrleans.Silo.Cli;

/// <summary>The <c>raftkv-silo</c> command line: <c>run</c> (one silo), <c>migrate</c> (PostgreSQL schema) and <c>local</c> (a local cluster).</summary>
public sealed class SiloCommandLine
{
    private const string DataEnvironmentVariable = "RAFTKV_DATA";

    private readonly RootCommand _root = new("""
        raftkv-silo: hosts RaftOrleans silos.

        Exit codes: 0 stopped cleanly, 1 start failed or (local) every silo was given up, 2 bad configuration,
        3 data directory not writable, 4 port in use, 5 (local) the cluster did not serve in time.
        """);

    // run
    private readonly Option<string> _name = new("--name") { Description = "Silo name (silo1..siloN: replica i lives on silo i)." };
    private readonly Option<int?> _siloPort = new("--silo-port") { Description = "Silo-to-silo port (default 11111)." };
    private readonly Option<int?> _gatewayPort = new("--gateway-port") { Description = "Client gateway port (default 30001)." };
    private readonly Option<string> _runData = new("--data") { Description = "Data directory (default $RAFTKV_DATA or ./.raftkv)." };
    private readonly Option<string> _runClusterId = new("--cluster-id") { Description = "Orleans cluster id (default raftkv)." };
    private readonly Option<string> _serviceId = new("--service-id") { Description = "Orleans service id (default raftkv); never change it for existing data." };
    private readonly Option<string> _advertisedAddress = new("--advertised-address") { Description = "IP address to listen on and advertise (default 127.0.0.1)." };
    private readonly Option<int?> _healthPort = new("--health-port") { Description = "HTTP port for /livez, /readyz and /health (default 0: none)." };
    private readonly Option<string> _tlsCert = new("--tls-cert") { Description = "Silo certificate (PEM, OU=raftkv-silo, server and client auth): turns TLS and client authorization on (Security:CertificateFile)." };
    private readonly Option<string> _tlsKey = new("--tls-key") { Description = "Private key (PEM) of --tls-cert (Security:KeyFile)." };
    private readonly Option<string> _tlsCa = new("--tls-ca") { Description = "CA certificate (PEM) that issued the silo certificates, and the client ones unless --tls-client-ca (Security:CaFile)." };
    private readonly Option<string> _tlsClientCa = new("--tls-client-ca") { Description = "CA certificate (PEM) client certificates must be issued by (Security:ClientCaFile; default --tls-ca)." };
    private readonly Option<bool> _exitWithParent = new("--exit-with-parent") { Description = "Stop when standard input closes (used by local).", Hidden = true };

    // migrate
    private readonly Option<string> _migratePostgres = new("--postgres")
    {
        Description = "Npgsql connection string of the database to create or upgrade (default $RAFTKV_POSTGRES).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RAFTKV_POSTGRES") ?? "",
    };

    // local
    private readonly Option<string> _localData = new("--data")
    {
        Description = "Data directory (default $RAFTKV_DATA or ./.raftkv); running again reuses it.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DataEnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : "./.raftkv",
    };
    private readonly Option<int> _silos = new("--silos") { Description = "Number of silos (and replicas per group).", DefaultValueFactory = _ => 3 };
    private readonly Option<int> _baseSiloPort = new("--base-silo-port") { Description = "Silo port of silo1; silo i uses base + i - 1.", DefaultValueFactory = _ => 11111 };
    private readonly Option<int> _baseGatewayPort = new("--base-gateway-port") { Description = "Gateway port of silo1; silo i uses base + i - 1.", DefaultValueFactory = _ => 30001 };
    private readonly Option<string> _localClusterId = new("--cluster-id") { Description = "Orleans cluster id.", DefaultValueFactory = _ => "raftkv" };
    private readonly Option<double> _readyTimeout = new("--ready-timeout") { Description = "Seconds to wait for the cluster to serve.", DefaultValueFactory = _ => 90 };
    private readonly Option<string> _localTls = new("--tls")
    {
        Description = "Run with TLS using the certificates scripts/make-dev-ca.sh wrote into this folder (grants: admin Admin, writer ReadWrite, reader ReadOnly).",
    };
    private readonly Option<int> _restartLimit = new("--restart-limit")
    {
        Description = "Restarts of a silo whose runs each end within --restart-window seconds before it is given up (crash loop).",
        DefaultValueFactory = _ => 5,
    };
    private readonly Option<double> _restartWindow = new("--restart-window")
    {
        Description = "Seconds a silo must run for its exit not to count towards --restart-limit.",
        DefaultValueFactory = _ => 60,
    };

    /// <summary>Builds the command tree.</summary>
    public SiloCommandLine()
    {
        var run = new Command("run", "Run one silo in the foreground. Extra --Section:Key=value tokens override configuration.")
        {
            _name, _siloPort, _gatewayPort, _healthPort, _runData, _runClusterId, _serviceId, _advertisedAddress, _tlsCert, _tlsKey, _tlsCa, _tlsClientCa, _exitWithParent,
        };
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction(RunSiloAsync);

        var local = new Command("local", "Run a local cluster of N silo processes until Ctrl+C / SIGTERM. Extra --Section:Key=value tokens go to every silo.")
        {
            _localData, _silos, _baseSiloPort, _baseGatewayPort, _localClusterId, _readyTimeout, _localTls, _restartLimit, _restartWindow,
        };
        local.TreatUnmatchedTokensAsErrors = false;
        local.SetAction(RunLocalAsync);

        var migrate = new Command("migrate", "Create or upgrade the PostgreSQL schema (storage, clustering, reminders); idempotent.")
        {
            _migratePostgres,
        };
        migrate.SetAction((parse, cancellationToken) => parse.GetValue(_migratePostgres) is { Length: > 0 } connectionString
            ? PostgreSqlMigration.RunAsync(connectionString, cancellationToken)
            : Task.FromResult(MissingConnectionString()));

        _root.Subcommands.Add(run);
        _root.Subcommands.Add(migrate);
        _root.Subcommands.Add(local);
        _root.Subcommands.Add(new RestoreCommand().Command);
    }

    /// <summary>Parses and runs; returns the exit code.</summary>
    public async Task<int> RunAsync(string[] args)
    {
        ParseResult parse = _root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"raftkv-silo: {error.Message}");
            }
            Console.Error.WriteLine("See 'raftkv-silo --help'.");
            return SiloExitCodes.BadConfiguration;
        }
        // The silo host and the local supervisor handle SIGINT/SIGTERM themselves, with graceful
        // stops that take longer than System.CommandLine's default 2 s grace period.
        return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private async Task<int> RunSiloAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?>();
        void Put<T>(Option<T> option, string key)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                values[$"{SiloHostOptions.SectionName}:{key}"] = Convert.ToString(parse.GetValue(option), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        Put(_name, nameof(SiloHostOptions.Name));
        Put(_siloPort, nameof(SiloHostOptions.SiloPort));
        Put(_gatewayPort, nameof(SiloHostOptions.GatewayPort));
        Put(_healthPort, nameof(SiloHostOptions.HealthPort));
        Put(_runData, nameof(SiloHostOptions.DataDirectory));
        Put(_runClusterId, nameof(SiloHostOptions.ClusterId));
        Put(_serviceId, nameof(SiloHostOptions.ServiceId));
        Put(_advertisedAddress, nameof(SiloHostOptions.AdvertisedAddress));
        void PutSecurity(Option<string> option, string key)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                values[$"{RaftSecurityOptions.SectionName}:{key}"] = parse.GetValue(option);
            }
        }
        PutSecurity(_tlsCert, nameof(RaftSecurityOptions.CertificateFile));
        PutSecurity(_tlsKey, nameof(RaftSecurityOptions.KeyFile));
        PutSecurity(_tlsCa, nameof(RaftSecurityOptions.CaFile));
        PutSecurity(_tlsClientCa, nameof(RaftSecurityOptions.ClientCaFile));
        if (!values.ContainsKey($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.DataDirectory)}")
            && Environment.GetEnvironmentVariable(DataEnvironmentVariable) is { Length: > 0 } data)
        {
            values[$"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.DataDirectory)}"] = data;
        }
        var configuration = SiloHostFactory.BuildConfiguration(values, parse.UnmatchedTokens);
        return await SiloRunner.RunAsync(configuration, parse.GetValue(_exitWithParent));
    }

    private static int MissingConnectionString()
    {
        Console.Error.WriteLine("raftkv-silo migrate: give the database with --postgres \"Host=...;Username=...;Password=...;Database=...\" or RAFTKV_POSTGRES");
        return SiloExitCodes.BadConfiguration;
    }

    private async Task<int> RunLocalAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new LocalClusterOptions
        {
            DataDirectory = parse.GetValue(_localData) ?? "./.raftkv",
            Silos = parse.GetValue(_silos),
            BaseSiloPort = parse.GetValue(_baseSiloPort),
            BaseGatewayPort = parse.GetValue(_baseGatewayPort),
            ClusterId = parse.GetValue(_localClusterId) ?? "raftkv",
            ReadyTimeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_readyTimeout))),
            ExtraArguments = [.. parse.UnmatchedTokens],
            TlsDirectory = parse.GetValue(_localTls) is { Length: > 0 } tls ? tls : null,
        };
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true; // we stop the children ourselves, then exit
            stop.Cancel();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        var restarts = new RestartPolicy
        {
            CrashLoopRestarts = Math.Max(0, parse.GetValue(_restartLimit)),
            CrashLoopWindow = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(_restartWindow))),
        };
        return await new LocalCluster(options) { RestartPolicy = restarts }.RunAsync(stop.Token);
    }
}
