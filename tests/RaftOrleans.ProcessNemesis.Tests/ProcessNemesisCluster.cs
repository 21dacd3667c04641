using System.Diagnostics;
using System.Text;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.ProcessNemesis.Tests;

/// <summary>
/// Three real <c>raftkv-silo run</c> processes on free loopback ports and a fresh data directory,
/// each with the storage-stall test hook pointed at its own control file and the silo's own
/// (stall-tolerant) membership defaults, and one .NET client per gateway. It remembers the process id each silo was started with, so a silo that died on its own
/// (a death declaration, a crash) is told apart from one the nemesis killed. Dispose kills every
/// process and deletes the directory.
/// </summary>
public sealed class ProcessNemesisCluster : IAsyncDisposable
{
    /// <summary>Orleans cluster and service id of the silos (the silo's defaults).</summary>
    public const string ClusterId = "raftkv";

    /// <summary>How long a client call may take before it is given up (it then counts as indeterminate).</summary>
    public static readonly TimeSpan ClientResponseTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly Dictionary<int, int> _expectedPid = [];

    private ProcessNemesisCluster(string dataDirectory, IReadOnlyList<SiloProcess> silos)
    {
        DataDirectory = dataDirectory;
        Silos = silos;
    }

    /// <summary>The shared data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The silos, index 0 = silo1.</summary>
    public IReadOnlyList<SiloProcess> Silos { get; }

    /// <summary>One client per gateway, in silo order.</summary>
    public GatewayClients Clients { get; private set; } = null!;

    /// <summary>The storage-stall control file of <paramref name="silo"/>: while it exists, that silo's storage writes wait.</summary>
    public string StallFile(SiloProcess silo) => Path.Combine(DataDirectory, $"{silo.Name}.stall");

    /// <summary>Starts three silos, connects the clients and waits until a write is acknowledged.</summary>
    public static async Task<ProcessNemesisCluster> StartAsync()
    {
        var data = Path.Combine(Path.GetTempPath(), $"raftkv-pnemesis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var ports = FreePorts.Take(6);
        var silos = Enumerable.Range(1, 3)
            .Select(i => new SiloProcess(i, ports[i - 1], ports[3 + i - 1], data,
                [$"--Faults:StorageStallFile={Path.Combine(data, $"silo{i}.stall")}"]))
            .ToList();
        var cluster = new ProcessNemesisCluster(data, silos);
        try
        {
            foreach (var silo in silos) cluster.Start(silo);
            cluster.Clients = await GatewayClients.ConnectAsync([.. silos.Select(s => s.GatewayPort)], ClusterId, ClusterId, ClientResponseTimeout, StartTimeout);
            await cluster.WaitUntilAsync(async () => (await cluster.Clients.Next().PutAsync("__pnemesis_probe__", "1")).Status == KvStatusCode.Ok,
                StartTimeout, "the cluster acknowledges a write");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts <paramref name="silo"/> (again) and remembers its new process id.</summary>
    public void Start(SiloProcess silo)
    {
        silo.Start();
        _expectedPid[silo.Index] = silo.ProcessId;
    }

    /// <summary>kill -9 of <paramref name="silo"/>: a crash the nemesis caused.</summary>
    public void Kill(SiloProcess silo)
    {
        silo.Kill();
        _expectedPid.Remove(silo.Index);
    }

    /// <summary>
    /// Every silo that should be running (started and not killed by the nemesis) but is not, or runs
    /// under another process id: a silo that stopped itself or crashed. Empty when none.
    /// </summary>
    public IReadOnlyList<string> Deaths()
        => [.. Silos.Where(s => _expectedPid.ContainsKey(s.Index))
            .Where(s => !s.IsRunning || s.ProcessId != _expectedPid[s.Index] || PosixProcess.State(s.ProcessId) is null or 'Z')
            .Select(s => $"{s.Name} (started as pid {_expectedPid[s.Index]}) is {(s.IsRunning ? $"running as pid {s.ProcessId}" : "no longer running")}; last output:\n"
                + string.Join('\n', s.RecentOutput().Split('\n').TakeLast(10)))];

    /// <summary>The group status through the first gateway that answers within the client timeout, or null.</summary>
    public async Task<GroupStatus?> TryStatusAsync()
    {
        for (var i = 0; i < Clients.Count; i++)
        {
            if (!PosixProcess.IsRunning(Silos[i].ProcessId)) continue;
            try
            {
                var status = await Clients.Store(i).StatusAsync().WaitAsync(ClientResponseTimeout);
                if (status.Replicas.Count > 0) return status;
            }
            catch (Exception)
            {
                // This gateway did not answer; try the next.
            }
        }
        return null;
    }

    /// <summary>The replica index of the newest term's leader in <paramref name="status"/>, or null. A replica
    /// stuck in a storage stall may still call itself leader of an older term.</summary>
    public static int? LeaderOf(GroupStatus? status)
        => status?.Replicas.Where(r => r.Role == "Leader" && r.Error is null).OrderByDescending(r => r.Term).Select(r => (int?)r.Replica).FirstOrDefault();

    /// <summary>One line per replica: role, term, commit, applied, last index.</summary>
    public static string Describe(GroupStatus? status)
        => status is null ? "no gateway answered Status()"
            : string.Join("; ", status.Replicas.OrderBy(r => r.Replica).Select(r => $"{r.Silo}:{r.Role} t{r.Term} c{r.Commit} a{r.Applied} l{r.LastIndex} leader {r.Leader}{(r.Error is null ? "" : " error " + r.Error)}"));

    /// <summary>
    /// Waits until every replica answers, exactly one leads, all share its term and leader, and every
    /// replica has applied the leader's commit index and holds its last index, twice in a row. Returns
    /// null when converged, else what was last seen.
    /// </summary>
    public async Task<string?> WaitConvergedAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string? previous = null;
        var last = "no status yet";
        while (clock.Elapsed < timeout)
        {
            var status = await TryStatusAsync();
            last = Describe(status);
            var replicas = status?.Replicas ?? [];
            var leaders = replicas.Where(r => r.Role == "Leader").ToList();
            var settled = replicas.Count == Silos.Count && replicas.All(r => r.Error is null) && leaders.Count == 1
                && replicas.All(r => r.Term == leaders[0].Term && r.Leader == leaders[0].Replica
                    && r.Applied == leaders[0].Commit && r.Commit == leaders[0].Commit && r.LastIndex == leaders[0].LastIndex);
            if (settled && last == previous) return null;
            previous = settled ? last : null;
            // Poll interval between status reads, not a synchronisation point.
            await Task.Delay(300);
        }
        return $"replicas did not converge within {timeout.TotalSeconds:0} s; last seen: {last}";
    }

    /// <summary>Every replica's status and every silo's process state and recent output, for failure messages.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new StringBuilder();
        text.AppendLine($"replicas: {Describe(await TryStatusAsync())}");
        foreach (var silo in Silos)
        {
            var state = silo.IsRunning ? $"pid {silo.ProcessId}, state {PosixProcess.State(silo.ProcessId)}" : "not running";
            text.AppendLine($"--- {silo.Name} ({state}), last output:");
            text.AppendLine(string.Join('\n', silo.RecentOutput().Split('\n').TakeLast(15)));
        }
        return text.ToString();
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string expectation)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception) when (clock.Elapsed < timeout)
            {
                // Not serving yet.
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting until {expectation}.\nSeen:\n{await DescribeAsync()}");
            }
            // Poll interval between re-checks, not a synchronisation point.
            await Task.Delay(250);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            // Resume first, so a failed kill below can never leave a stopped silo behind.
            if (silo.IsRunning && PosixProcess.IsPaused(silo.ProcessId)) PosixProcess.Resume(silo.ProcessId);
        }
        if (Clients is not null) await Clients.DisposeAsync();
        foreach (var silo in Silos) silo.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless.
        }
    }
}
