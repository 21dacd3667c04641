using System.CommandLine;
using System.Net;
using RaftOrleans.Client.Connection;

namespace RaftOrleans.Client.Cli;

/// <summary>Options accepted before or after any command (recursive): connection and output format.</summary>
public sealed class GlobalOptions
{
    /// <summary>The environment variable that sets the default data directory.</summary>
    public const string DataEnvironmentVariable = "RAFTKV_DATA";

    /// <summary><c>--data DIR</c>.</summary>
    public Option<string> Data { get; } = new("--data", "-d")
    {
        Description = $"Cluster data directory; membership is read from DIR/cluster.db (default ${DataEnvironmentVariable} or {ConnectionSettings.Defaults.DataDirectory}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DataEnvironmentVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : ConnectionSettings.Defaults.DataDirectory,
        Recursive = true,
    };

    /// <summary><c>--gateway host:port</c> (repeatable).</summary>
    public Option<string[]> Gateway { get; } = new("--gateway", "-g")
    {
        Description = "A silo gateway host:port to use instead of the data directory (repeatable).",
        Arity = ArgumentArity.OneOrMore,
        Recursive = true,
    };

    /// <summary>The environment variable that sets the default PostgreSQL membership connection string.</summary>
    public const string PostgresEnvironmentVariable = "RAFTKV_POSTGRES";

    /// <summary><c>--postgres CONNSTRING</c>.</summary>
    public Option<string> Postgres { get; } = new("--postgres")
    {
        Description = $"Npgsql connection string of the silos' PostgreSQL clustering database; membership is read from it instead of the data directory (default ${PostgresEnvironmentVariable}).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(PostgresEnvironmentVariable) ?? "",
        Recursive = true,
    };

    /// <summary><c>--cluster-id</c>.</summary>
    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "Orleans cluster id of the silos.",
        DefaultValueFactory = _ => ConnectionSettings.Defaults.ClusterId,
        Recursive = true,
    };

    /// <summary><c>--group</c>.</summary>
    public Option<string> Group { get; } = new("--group")
    {
        Description = "Raft group to use.",
        DefaultValueFactory = _ => ConnectionSettings.Defaults.Group,
        Recursive = true,
    };

    /// <summary><c>--json</c>.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print each result as one JSON object per line.",
        Recursive = true,
    };

    /// <summary><c>--timeout SECONDS</c>.</summary>
    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds the whole command may take, connecting included, before it is reported unavailable.",
        DefaultValueFactory = _ => ConnectionSettings.Defaults.RequestTimeout.TotalSeconds,
        Recursive = true,
    };

    /// <summary><c>--connect-timeout SECONDS</c>.</summary>
    public Option<double> ConnectTimeout { get; } = new("--connect-timeout")
    {
        Description = "Seconds connecting may take at most (default: the --timeout; within it for a command, on its own for the shell's first connection).",
        DefaultValueFactory = _ => ConnectionSettings.Defaults.ConnectTimeout.TotalSeconds,
        Recursive = true,
    };

    /// <summary><c>--verbose</c>.</summary>
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show Orleans client warnings on stderr.",
        Recursive = true,
    };

    /// <summary><c>--cert FILE</c>: the client certificate (PEM) for a cluster with TLS on.</summary>
    public Option<string> Cert { get; } = new("--cert")
    {
        Description = "Client certificate (PEM) for a cluster with TLS on; also signs the credential the gateway authorizes by (default $RAFTKV_CERT).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RAFTKV_CERT") ?? "",
        Recursive = true,
    };

    /// <summary><c>--key FILE</c>: the private key of <see cref="Cert"/>.</summary>
    public Option<string> Key { get; } = new("--key")
    {
        Description = "Private key (PEM) of --cert (default $RAFTKV_KEY; empty: the key is in the --cert file).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RAFTKV_KEY") ?? "",
        Recursive = true,
    };

    /// <summary><c>--cacert FILE</c>: the CA that issued the silos' certificates.</summary>
    public Option<string> CaCert { get; } = new("--cacert")
    {
        Description = "CA certificate (PEM) the silos' certificates must be issued by; needed with --cert (default $RAFTKV_CACERT).",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("RAFTKV_CACERT") ?? "",
        Recursive = true,
    };

    /// <summary>Every option, for adding to the root command.</summary>
    public IEnumerable<Option> All => [Data, Gateway, Postgres, ClusterId, Group, Json, Timeout, ConnectTimeout, Verbose, Cert, Key, CaCert];

    /// <summary>Builds connection settings, or returns an error message for bad values.</summary>
    public ConnectionSettings? Bind(ParseResult result, out string error)
    {
        error = "";
        var gateways = new List<IPEndPoint>();
        foreach (string text in result.GetValue(Gateway) ?? [])
        {
            if (!GatewayEndpoint.TryParse(text, out IPEndPoint? endpoint, out error))
            {
                return null;
            }
            gateways.Add(endpoint!);
        }
        double timeout = result.GetValue(Timeout);
        // Connecting may use the whole --timeout unless --connect-timeout caps it explicitly.
        double connectTimeout = result.GetResult(ConnectTimeout) is { Implicit: false } ? result.GetValue(ConnectTimeout) : timeout;
        if (timeout <= 0 || connectTimeout <= 0 || double.IsNaN(timeout) || double.IsNaN(connectTimeout))
        {
            error = "--timeout and --connect-timeout must be positive numbers of seconds";
            return null;
        }
        string group = result.GetValue(Group) ?? ConnectionSettings.Defaults.Group;
        if (string.IsNullOrWhiteSpace(group))
        {
            error = "--group must not be empty";
            return null;
        }
        string cert = result.GetValue(Cert) ?? "";
        string key = result.GetValue(Key) ?? "";
        string caCert = result.GetValue(CaCert) ?? "";
        RaftOrleans.Security.ClientTlsSettings? tls = null;
        if (cert.Length > 0 || key.Length > 0 || caCert.Length > 0)
        {
            if (cert.Length == 0 || caCert.Length == 0)
            {
                error = "TLS needs both --cert and --cacert (and --key unless the key is in the --cert file)";
                return null;
            }
            foreach (string file in new[] { cert, key, caCert }.Where(f => f.Length > 0))
            {
                if (!File.Exists(file))
                {
                    error = $"no such file: {file}";
                    return null;
                }
            }
            tls = new RaftOrleans.Security.ClientTlsSettings { CertificateFile = cert, KeyFile = key, CaFile = caCert };
        }
        return new ConnectionSettings
        {
            Tls = tls,
            DataDirectory = result.GetValue(Data) ?? ConnectionSettings.Defaults.DataDirectory,
            Gateways = gateways,
            PostgresConnectionString = result.GetValue(Postgres) is { Length: > 0 } postgres ? postgres : null,
            ClusterId = result.GetValue(ClusterId) ?? ConnectionSettings.Defaults.ClusterId,
            Group = group,
            RequestTimeout = TimeSpan.FromSeconds(timeout),
            ConnectTimeout = TimeSpan.FromSeconds(connectTimeout),
            Verbose = result.GetValue(Verbose),
        };
    }
}
