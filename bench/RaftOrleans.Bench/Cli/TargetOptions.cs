using System.CommandLine;
using System.Net;
using RaftOrleans.Bench.Baseline;
using RaftOrleans.Bench.Targets;

namespace RaftOrleans.Bench.Cli;

/// <summary>The options that choose and reach a target, shared by <c>run</c> and <c>failover</c>.</summary>
public sealed class TargetOptions
{
    /// <summary>--target.</summary>
    public Option<string> Target { get; } = new("--target")
    {
        Description = "raftorleans, baseline or etcd.",
        Required = true,
    };
    /// <summary>--group.</summary>
    public Option<string> Group { get; } = new("--group") { Description = "RaftOrleans group, or baseline store name.", DefaultValueFactory = _ => "default" };
    /// <summary>--data.</summary>
    public Option<string?> Data { get; } = new("--data") { Description = "RaftOrleans data directory holding cluster.db (finds the gateways)." };
    /// <summary>--gateway.</summary>
    public Option<string[]> Gateways { get; } = new("--gateway") { Description = "Orleans gateway host:port (repeatable); wins over --data." };
    /// <summary>--cluster-id.</summary>
    public Option<string?> ClusterId { get; } = new("--cluster-id") { Description = "Orleans cluster id (default raftkv; baseline for the baseline)." };
    /// <summary>--service-id.</summary>
    public Option<string?> ServiceId { get; } = new("--service-id") { Description = "Orleans service id (default: the cluster id's default)." };
    /// <summary>--endpoints.</summary>
    public Option<string[]> Endpoints { get; } = new("--endpoints") { Description = "etcd client URLs, comma-separated or repeated (http://127.0.0.1:2379)." };
    /// <summary>--timeout.</summary>
    public Option<double> Timeout { get; } = new("--timeout") { Description = "Per-operation deadline, seconds.", DefaultValueFactory = _ => 15 };
    /// <summary>--cert.</summary>
    public Option<string?> Cert { get; } = new("--cert") { Description = "Client certificate (PEM) for a RaftOrleans cluster with TLS on (with --key and --cacert)." };
    /// <summary>--key.</summary>
    public Option<string?> Key { get; } = new("--key") { Description = "Private key (PEM) of --cert." };
    /// <summary>--cacert.</summary>
    public Option<string?> CaCert { get; } = new("--cacert") { Description = "CA certificate (PEM) that issued the silos' certificates." };
    /// <summary>--out.</summary>
    public Option<string> Out { get; } = new("--out") { Description = "Results folder for the JSON file.", DefaultValueFactory = _ => "bench/results/manual" };
    /// <summary>--label.</summary>
    public Option<string?> Label { get; } = new("--label") { Description = "Free-form label stored with the result." };

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Target, Group, Data, Gateways, ClusterId, ServiceId, Endpoints, Timeout, Cert, Key, CaCert, Out, Label })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Reads the settings; throws <see cref="ArgumentException"/> with a user-facing message.</summary>
    public TargetSettings Read(ParseResult parse)
    {
        var name = parse.GetValue(Target) ?? "";
        var kind = Enum.GetValues<TargetKind>().Cast<TargetKind?>().FirstOrDefault(k => k!.Value.Name() == name.ToLowerInvariant())
            ?? throw new ArgumentException($"--target must be raftorleans, baseline or etcd, not '{name}'");
        var defaultId = kind == TargetKind.Baseline ? BaselineSiloHost.ClusterId : "raftkv";
        var clusterId = parse.GetValue(ClusterId) ?? defaultId;
        var gateways = (parse.GetValue(Gateways) ?? []).Select(ParseEndpoint).ToList();
        var endpoints = (parse.GetValue(Endpoints) ?? []).SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        var data = parse.GetValue(Data);
        if (kind != TargetKind.Etcd && gateways.Count == 0 && data is null) throw new ArgumentException($"{name} needs --gateway host:port or --data DIR");
        if (kind == TargetKind.Etcd && endpoints.Count == 0) throw new ArgumentException("etcd needs --endpoints");
        var cert = parse.GetValue(Cert);
        var caCert = parse.GetValue(CaCert);
        if ((cert is null) != (caCert is null)) throw new ArgumentException("TLS needs both --cert and --cacert (and --key)");
        return new TargetSettings
        {
            Tls = cert is null ? null : new RaftOrleans.Security.ClientTlsSettings { CertificateFile = cert, KeyFile = parse.GetValue(Key) ?? "", CaFile = caCert! },
            Kind = kind,
            Group = parse.GetValue(Group) ?? "default",
            DataDirectory = data,
            Gateways = gateways,
            ClusterId = clusterId,
            ServiceId = parse.GetValue(ServiceId) ?? clusterId,
            EtcdEndpoints = endpoints,
            OperationTimeout = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(Timeout))),
        };
    }

    private static IPEndPoint ParseEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), out var port)) throw new ArgumentException($"--gateway '{text}' is not host:port");
        var host = text[..colon];
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var ip) ? ip : null;
        return address is null ? throw new ArgumentException($"--gateway '{text}': use an IP address") : new IPEndPoint(address, port);
    }
}
