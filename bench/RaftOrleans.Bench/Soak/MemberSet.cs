using System.Diagnostics;
using RaftOrleans.Bench.Failover;

namespace RaftOrleans.Bench.Soak;

/// <summary>
/// The members of the cluster under soak, by name: where each one's pid file and data directory are
/// (<c>{name}</c> templates), how to sample their footprint, and how to stop and start one.
/// </summary>
public sealed class MemberSet(IReadOnlyList<string> names, MemberProcesses processes, string dataDirectoryTemplate)
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Member names, in order.</summary>
    public IReadOnlyList<string> Names { get; } = names;

    /// <summary>The data directory of <paramref name="name"/>.</summary>
    public string DataDirectory(string name) => dataDirectoryTemplate.Replace("{name}", name, StringComparison.Ordinal);

    /// <summary>Every member's RSS and bytes on disk now.</summary>
    public IReadOnlyList<MemberSample> Sample()
        => [.. Names.Select(n => new MemberSample
        {
            Member = n,
            RssBytes = processes.Find(n).Pid is { } pid ? ProcessMemory.RssBytes(pid) : null,
            DiskBytes = DirectorySize.Bytes(DataDirectory(n)),
        })];

    /// <summary><c>kill -9</c> of <paramref name="name"/>; returns once its process has exited.</summary>
    public async Task KillAsync(string name, CancellationToken cancellationToken)
    {
        var (pid, problem) = processes.Find(name);
        if (pid is null) throw new InvalidOperationException($"cannot kill {name}: {problem}");
        MemberProcesses.Kill(pid.Value);
        var clock = Stopwatch.StartNew();
        // The member is not our child (members.sh started it and exited), so it cannot be waited for:
        // poll until it is gone, so its restart finds its ports and database free.
        while (ProcessMemory.IsRunning(pid.Value))
        {
            if (clock.Elapsed > ExitDeadline) throw new TimeoutException($"{name} (pid {pid}) still running {ExitDeadline.TotalSeconds:0} s after kill -9");
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>Starts <paramref name="name"/> again with the restart command (which returns once the member is launched).</summary>
    public Task StartAsync(string name, CancellationToken cancellationToken) => processes.RestartAsync(name, cancellationToken);
}
