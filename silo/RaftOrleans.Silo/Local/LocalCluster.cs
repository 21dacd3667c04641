using System.Diagnostics;
using System.Net;
using RaftOrleans.Silo.Hosting;

namespace RaftOrleans.Silo.Local;

/// <summary>
/// The <c>local</c> command: runs N silos as child processes of this executable, reports when the
/// cluster serves and how to reach it, and on Ctrl+C / SIGTERM stops every child gracefully.
/// Data lives in one directory, so running it again resumes the same store. Each silo is
/// supervised (<see cref="SupervisedSilo"/>): a child that dies is restarted with backoff, and its
/// replica rejoins from its own data; a crash-looping silo is given up while the others keep
/// serving, and <c>local</c> exits 1 once every silo is given up.
/// </summary>
public sealed class LocalCluster(LocalClusterOptions options)
{
    /// <summary>The line printed once the cluster serves; scripts wait for it.</summary>
    public const string ServingMarker = "raftkv local cluster is serving";

    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(25);
    private readonly object _outputLock = new();
    private readonly List<SupervisedSilo> _children = [];

    /// <summary>When a dead silo is restarted, and when it is given up.</summary>
    public RestartPolicy RestartPolicy { get; init; } = new();

    /// <summary>Runs until <paramref name="stop"/> is cancelled or every silo has exited; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        try
        {
            Validate();
        }
        catch (StartupException e)
        {
            Console.Error.WriteLine($"raftkv-silo local: {e.Message}");
            return e.ExitCode;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            StartChildren();
            var probe = new ReadinessProbe(Path.Combine(options.DataPath, "cluster.db"), options.ClusterId, new SiloHostOptions().ServiceId) { Tls = options.ClientTls("admin") };
            (bool ready, string problem) = await probe.WaitAsync(
                DateTime.UtcNow + options.ReadyTimeout, () => _children.Any(c => !c.GivenUp), stop);
            if (stop.IsCancellationRequested)
            {
                return await StopChildrenAsync(SiloExitCodes.Ok);
            }
            if (!ready)
            {
                bool allDown = _children.All(c => c.GivenUp);
                string why = allDown
                    ? "every silo exited and was given up (see their output above)"
                    : $"no read was served within {options.ReadyTimeout.TotalSeconds:0}s (last: {problem})";
                Say($"[local] the cluster did not come up: {why}");
                return await StopChildrenAsync(allDown ? SiloExitCodes.StartFailed : SiloExitCodes.NotReady);
            }
            PrintBanner(clock.Elapsed);
            await WaitForStopOrAllExitedAsync(stop);
            return await StopChildrenAsync(stop.IsCancellationRequested ? SiloExitCodes.Ok : SiloExitCodes.StartFailed);
        }
        finally
        {
            foreach (SupervisedSilo child in _children)
            {
                child.Dispose();
            }
        }
    }

    private void Validate()
    {
        if (options.Silos is < 1 or > 99)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration, $"--silos {options.Silos} must be between 1 and 99");
        }
        StartupChecks.ValidatePort("base silo port", options.BaseSiloPort);
        StartupChecks.ValidatePort("base gateway port", options.BaseGatewayPort);
        StartupChecks.ValidatePort("last silo port", options.BaseSiloPort + options.Silos - 1);
        StartupChecks.ValidatePort("last gateway port", options.BaseGatewayPort + options.Silos - 1);
        bool overlap = options.BaseSiloPort < options.BaseGatewayPort + options.Silos
            && options.BaseGatewayPort < options.BaseSiloPort + options.Silos;
        if (overlap)
        {
            throw new StartupException(SiloExitCodes.BadConfiguration,
                $"silo ports {options.BaseSiloPort}.. and gateway ports {options.BaseGatewayPort}.. overlap");
        }
        StartupChecks.EnsureWritableDirectory(options.DataPath);
        IReadOnlyList<string> names = options.Topology.Silos;
        for (int i = 1; i <= names.Count; i++)
        {
            StartupChecks.EnsurePortFree($"silo port of {names[i - 1]}", IPAddress.Loopback, options.BaseSiloPort + i - 1);
            StartupChecks.EnsurePortFree($"gateway port of {names[i - 1]}", IPAddress.Loopback, options.BaseGatewayPort + i - 1);
        }
    }

    private void StartChildren()
    {
        IReadOnlyList<string> self = SelfCommand.Resolve();
        IReadOnlyList<string> names = options.Topology.Silos;
        for (int i = 1; i <= names.Count; i++)
        {
            string name = names[i - 1];
            string[] arguments =
            [
                "run",
                "--name", name,
                "--silo-port", (options.BaseSiloPort + i - 1).ToString(),
                "--gateway-port", (options.BaseGatewayPort + i - 1).ToString(),
                "--data", options.DataPath,
                "--cluster-id", options.ClusterId,
                "--exit-with-parent",
                // One replica per silo: the group size follows the cluster size.
                $"--{SiloHostFactory.RaftSectionName}:ReplicaCount={options.Silos}",
                .. TlsArguments(name),
                .. options.ExtraArguments,
            ];
            SupervisedSilo child = SupervisedSilo.Start(name, () => ChildSilo.Start(name, self, arguments, Say), Say, RestartPolicy);
            _children.Add(child);
            Say($"[local] started {name} (pid {child.ProcessId}, silo port {options.BaseSiloPort + i - 1}, gateway port {options.BaseGatewayPort + i - 1})");
        }
    }

    /// <summary>The silo's TLS options and the development grants, when the cluster runs with TLS.</summary>
    private string[] TlsArguments(string name)
    {
        if (options.TlsDirectory is not { } directory) return [];
        string dir = Path.GetFullPath(directory);
        return
        [
            "--tls-cert", Path.Combine(dir, $"{name}.crt"),
            "--tls-key", Path.Combine(dir, $"{name}.key"),
            "--tls-ca", Path.Combine(dir, "ca.crt"),
            "--Security:Clients:admin:Access=Admin",
            "--Security:Clients:writer:Access=ReadWrite",
            "--Security:Clients:reader:Access=ReadOnly",
        ];
    }

    private void PrintBanner(TimeSpan elapsed)
    {
        string data = options.DataPath;
        if (options.ClientTls("writer") is { } tls)
        {
            data += $" --cert {tls.CertificateFile} --key {tls.KeyFile} --cacert {tls.CaFile}";
        }
        string gateways = string.Join(" ", Enumerable.Range(0, options.Silos).Select(i => $"--gateway 127.0.0.1:{options.BaseGatewayPort + i}"));
        Say($"""
            {ServingMarker}: {options.Silos} silos, data {data}, ready in {elapsed.TotalSeconds:0.0}s
              try:  raftkv --data {data} set greeting hello
                    raftkv --data {data} get greeting
                    raftkv --data {data} status
              or:   raftkv {gateways} get greeting
              stop: Ctrl+C, or kill -TERM {Environment.ProcessId}
            """);
    }

    private async Task WaitForStopOrAllExitedAsync(CancellationToken stop)
    {
        // Completion means given up: a supervised silo only completes on its own by giving up.
        var pending = _children.ToDictionary(c => c.Completion, c => c);
        Task stopped = Task.Delay(Timeout.Infinite, stop);
        while (pending.Count > 0)
        {
            Task finished = await Task.WhenAny(pending.Keys.Append(stopped));
            if (finished == stopped)
            {
                return;
            }
            SupervisedSilo child = pending[finished];
            pending.Remove(finished);
            int up = pending.Count;
            Say($"[local] {child.Name} stays down; {up} of {_children.Count} silos are still supervised"
                + (up * 2 > _children.Count ? " (a majority: the cluster keeps serving)." : " (no majority: the cluster cannot serve)."));
        }
        Say("[local] every silo is down and given up; stopping");
    }

    private async Task<int> StopChildrenAsync(int exitCode)
    {
        List<SupervisedSilo> running = [.. _children.Where(c => c.IsRunning)];
        if (running.Count > 0)
        {
            Say($"[local] stopping {string.Join(", ", running.Select(c => c.Name))}");
        }
        foreach (SupervisedSilo child in _children)
        {
            child.RequestStop();
        }
        Task all = Task.WhenAll(_children.Select(c => c.Completion));
        if (await Task.WhenAny(all, Task.Delay(GracefulStopTimeout)) != all)
        {
            foreach (SupervisedSilo child in running.Where(c => c.IsRunning))
            {
                Say($"[local] {child.Name} did not stop within {GracefulStopTimeout.TotalSeconds:0}s; killing it");
                child.Kill();
            }
            await all;
        }
        Say("[local] stopped");
        return exitCode;
    }

    private void Say(string line)
    {
        lock (_outputLock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
