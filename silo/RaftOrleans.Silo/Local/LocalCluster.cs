using System.Diagnostics;
using System.Net;
using RaftOrleans.Silo.Hosting;

namespace RaftOrleans.Silo.Local;

/// <summary>
/// The <c>local</c> command: runs N silos as child processes of this executable, reports when the
/// cluster serves and how to reach it, and on Ctrl+C / SIGTERM stops every child gracefully.
/// Data lives in one directory, so running it again resumes the same store.
/// </summary>
public sealed class LocalCluster(LocalClusterOptions options)
{
    /// <summary>The line printed once the cluster serves; scripts wait for it.</summary>
    public const string ServingMarker = "raftkv local cluster is serving";

    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(25);
    private readonly object _outputLock = new();
    private readonly List<ChildSilo> _children = [];

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
            var probe = new ReadinessProbe(Path.Combine(options.DataPath, "cluster.db"), options.ClusterId, options.ClusterId);
            (bool ready, string problem) = await probe.WaitAsync(
                DateTime.UtcNow + options.ReadyTimeout, () => _children.Any(c => !c.HasExited), stop);
            if (stop.IsCancellationRequested)
            {
                return await StopChildrenAsync(SiloExitCodes.Ok);
            }
            if (!ready)
            {
                string why = _children.All(c => c.HasExited)
                    ? "every silo exited (see their output above)"
                    : $"no read was served within {options.ReadyTimeout.TotalSeconds:0}s (last: {problem})";
                Say($"[local] the cluster did not come up: {why}");
                return await StopChildrenAsync(_children.All(c => c.HasExited) ? SiloExitCodes.StartFailed : SiloExitCodes.NotReady);
            }
            PrintBanner(clock.Elapsed);
            await WaitForStopOrAllExitedAsync(stop);
            return await StopChildrenAsync(stop.IsCancellationRequested ? SiloExitCodes.Ok : SiloExitCodes.StartFailed);
        }
        finally
        {
            foreach (ChildSilo child in _children)
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
        for (int i = 1; i <= options.Silos; i++)
        {
            StartupChecks.EnsurePortFree($"silo port of {LocalClusterOptions.SiloName(i)}", IPAddress.Loopback, options.BaseSiloPort + i - 1);
            StartupChecks.EnsurePortFree($"gateway port of {LocalClusterOptions.SiloName(i)}", IPAddress.Loopback, options.BaseGatewayPort + i - 1);
        }
    }

    private void StartChildren()
    {
        IReadOnlyList<string> self = SelfCommand.Resolve();
        for (int i = 1; i <= options.Silos; i++)
        {
            string name = LocalClusterOptions.SiloName(i);
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
                .. options.ExtraArguments,
            ];
            ChildSilo child = ChildSilo.Start(name, self, arguments, Say);
            _children.Add(child);
            Say($"[local] started {name} (pid {child.ProcessId}, silo port {options.BaseSiloPort + i - 1}, gateway port {options.BaseGatewayPort + i - 1})");
        }
    }

    private void PrintBanner(TimeSpan elapsed)
    {
        string data = options.DataPath;
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
        var pending = _children.ToDictionary(c => c.Exited, c => c);
        Task stopped = Task.Delay(Timeout.Infinite, stop);
        while (pending.Count > 0)
        {
            Task finished = await Task.WhenAny(pending.Keys.Append(stopped));
            if (finished == stopped)
            {
                return;
            }
            ChildSilo child = pending[finished];
            pending.Remove(finished);
            Say($"[local] {child.Name} exited unexpectedly with code {child.ExitCode}; the others keep serving while a majority is up. "
                + $"Restart the whole local cluster to bring it back.");
        }
        Say("[local] every silo has exited");
    }

    private async Task<int> StopChildrenAsync(int exitCode)
    {
        List<ChildSilo> running = [.. _children.Where(c => !c.HasExited)];
        if (running.Count > 0)
        {
            Say($"[local] stopping {string.Join(", ", running.Select(c => c.Name))}");
        }
        foreach (ChildSilo child in running)
        {
            child.RequestStop();
        }
        Task all = Task.WhenAll(running.Select(c => c.Exited));
        if (await Task.WhenAny(all, Task.Delay(GracefulStopTimeout)) != all)
        {
            foreach (ChildSilo child in running.Where(c => !c.HasExited))
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
