using System.Diagnostics;
using System.Text;
using RaftOrleans.EndToEnd.Tests.Infrastructure;
using RaftOrleans.Grains;
using RaftOrleans.Testing.Workload.Processes;

namespace RaftOrleans.ProcessNemesis.Tests;

/// <summary>
/// Three real <c>raftkv-silo run</c> processes (the group's configured replicas) and optionally spare
/// silos (<c>silo4</c>, ...: they run, host no member until one is added) on free loopback ports and a
/// fresh data directory, each with the storage-stall test hook pointed at its own control file and the
/// silo's own (stall-tolerant) membership defaults, and one .NET client per gateway. It remembers the
/// process id each silo was started with, so a silo that died on its own (a death declaration, a
/// crash) is told apart from one the nemesis killed. Dispose kills every process and deletes the
/// directory.
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

    /// <summary>The silos, index 0 = silo1; the spares follow the three configured replicas.</summary>
    public IReadOnlyList<SiloProcess> Silos { get; }

    /// <summary>The replicas the group starts with (1..3): the voters a healed run must end with.</summary>
    public static IReadOnlyList<int> InitialVoters { get; } = [1, 2, 3];

    /// <summary>The silo that hosts replica <paramref name="replica"/> (replica i lives on silo{i}).</summary>
    public SiloProcess SiloOf(int replica) => Silos.Single(s => s.Index == replica);

    /// <summary>The silo's own data directory (its Raft SQLite files): what a replaced disk loses.</summary>
    public string SiloDataDirectory(SiloProcess silo) => Path.Combine(DataDirectory, silo.Name);

    /// <summary>One client per gateway, in silo order.</summary>
    public GatewayClients Clients { get; private set; } = null!;

    /// <summary>The storage-stall control file of <paramref name="silo"/>: while it exists, that silo's storage writes wait.</summary>
    public string StallFile(SiloProcess silo) => Path.Combine(DataDirectory, $"{silo.Name}.stall");

    /// <summary>Starts three silos and <paramref name="spares"/> spare silos, connects the clients and waits until a write is acknowledged.</summary>
    public static async Task<ProcessNemesisCluster> StartAsync(int spares = 0)
    {
        var data = Path.Combine(Path.GetTempPath(), $"raftkv-pnemesis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var count = InitialVoters.Count + spares;
        var ports = FreePorts.Take(2 * count);
        var silos = Enumerable.Range(1, count)
            .Select(i => new SiloProcess(i, ports[i - 1], ports[count + i - 1], data,
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

    /// <summary>Deletes the data directory of <paramref name="silo"/>, which must be down: its disk was replaced.
    /// The shared cluster file and the stall control files stay (they are not the silo's disk).</summary>
    public void Wipe(SiloProcess silo)
    {
        if (silo.IsRunning) throw new InvalidOperationException($"{silo.Name} must be down before its data directory is wiped");
        Directory.Delete(SiloDataDirectory(silo), recursive: true);
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
    public static int? LeaderOf(GroupStatus? status) => NewestLeader(status)?.Replica;

    /// <summary>The status of the newest term's leader in <paramref name="status"/>, or null: its
    /// <see cref="ReplicaStatus.Members"/> is the configuration in force at the leader.</summary>
    public static ReplicaStatus? NewestLeader(GroupStatus? status)
        => status?.Replicas.Where(r => r.Role == "Leader" && r.Error is null).OrderByDescending(r => r.Term).FirstOrDefault();

    /// <summary>A configuration as text: <c>voters [1,2,3] learners [4]</c>.</summary>
    public static string DescribeMembers(IReadOnlyList<MemberInfo> members)
        => $"voters [{string.Join(',', members.Where(m => m.IsVoter).Select(m => m.Replica).Order())}] learners [{string.Join(',', members.Where(m => !m.IsVoter).Select(m => m.Replica).Order())}]";

    /// <summary>One line per replica: role, term, commit, applied, last index.</summary>
    public static string Describe(GroupStatus? status)
        => status is null ? "no gateway answered Status()"
            : string.Join("; ", status.Replicas.OrderBy(r => r.Replica).Select(r => $"{r.Silo}:{r.Role} t{r.Term} c{r.Commit} a{r.Applied} l{r.LastIndex} leader {r.Leader}{(r.Error is null ? "" : " error " + r.Error)}"));

    /// <summary>
    /// Waits until exactly one replica leads with its configuration committed, every member of that
    /// configuration (as the leader records it, not assumed 1..3) answers, shares its term and leader,
    /// has applied the leader's commit index and holds its last index, twice in a row. Replicas the
    /// status lists that are not members (a gateway whose view lags a removal) are not counted.
    /// Returns null when converged, else what was last seen.
    /// </summary>
    public async Task<string?> WaitConvergedAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        string? previous = null;
        var last = "no status yet";
        while (clock.Elapsed < timeout)
        {
            var status = await TryStatusAsync();
            var leaders = (status?.Replicas ?? []).Where(r => r.Role == "Leader").ToList();
            var members = leaders.Count == 1 && leaders[0].ConfigurationCommitted ? leaders[0].Members.Select(m => m.Replica).ToHashSet() : [];
            var replicas = (status?.Replicas ?? []).Where(r => members.Contains(r.Replica)).ToList();
            last = $"{Describe(status)}; leader's configuration {(leaders.Count == 1 ? $"{DescribeMembers(leaders[0].Members)} (committed: {leaders[0].ConfigurationCommitted})" : "unknown")}";
            var settled = members.Count > 0 && replicas.Count == members.Count && replicas.All(r => r.Error is null)
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
