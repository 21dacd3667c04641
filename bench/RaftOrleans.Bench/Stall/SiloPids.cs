using RaftOrleans.Bench.Failover;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Topology;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.Bench.Stall;

/// <summary>
/// The process ids of the silos under test, read from their pid files through
/// <see cref="MemberProcesses"/> (which checks each process really is that member), and the deaths
/// seen since: a silo whose process is gone or replaced after the benchmark recorded it.
/// </summary>
public sealed class SiloPids(MemberProcesses processes, int silos)
{
    private readonly Dictionary<string, int> _recorded = [];

    /// <summary>Silo names, silo1 first: a local cluster of <c>silos</c> silos runs one replica per silo.</summary>
    public IReadOnlyList<string> Names { get; } = new ConfiguredReplicaTopology(new RaftKeyValueOptions { ReplicaCount = silos }).Silos;

    /// <summary>Records every silo's current pid; throws when one is not running.</summary>
    public void Record()
    {
        foreach (var name in Names)
        {
            var (pid, problem) = processes.Find(name);
            _recorded[name] = pid ?? throw new InvalidOperationException($"cannot find {name}: {problem}");
        }
    }

    /// <summary>The recorded pid of <paramref name="name"/>.</summary>
    public int Pid(string name) => _recorded[name];

    /// <summary>True when <paramref name="name"/> still runs as its recorded process.</summary>
    public bool SameProcess(string name)
    {
        var (pid, _) = processes.Find(name);
        return pid == _recorded[name] && PosixProcess.IsRunning(pid.Value);
    }

    /// <summary>Every silo no longer running as the process recorded for it.</summary>
    public IReadOnlyList<string> Deaths()
        => [.. Names.Where(n => !SameProcess(n)).Select(n => $"{n} (pid {_recorded[n]}): {processes.Find(n).Problem ?? "another process now"}")];
}
