using System.Globalization;

namespace RaftOrleans.Bench.Soak;

/// <summary>The soak targets (issue 11, "Measure"), computed from the soak results and the key-count sweep.</summary>
public static class SoakGoals
{
    /// <summary>Restart to caught-up follower must take at most this long.</summary>
    public const double RestartBoundMs = 2000;
    private const string Raft = "raftorleans";
    private const string Etcd = "etcd";

    /// <summary>Every target, in the order; one whose data is missing has a null ratio.</summary>
    public static IReadOnlyList<SoakGoal> Evaluate(IReadOnlyList<SoakResult> soaks, IReadOnlyList<KeySweepResult> sweep)
    {
        var raft = soaks.Where(s => s.Target == Raft).MaxBy(s => s.StartedUtc);
        var etcd = soaks.Where(s => s.Target == Etcd).MaxBy(s => s.StartedUtc);
        var goals = new List<SoakGoal>();

        var first = raft?.Tenths.FirstOrDefault();
        var last = raft?.Tenths.LastOrDefault();
        goals.Add(new("RaftOrleans last-tenth throughput ≥ 0.9× its first tenth", true, 0.9,
            Div(last?.OpsPerSecond, first?.OpsPerSecond), $"{Ops(last?.OpsPerSecond)} / {Ops(first?.OpsPerSecond)} ops/s"));

        var rss = WorstMemberRatio(first, last, m => m.RssBytes);
        goals.Add(new("RaftOrleans RSS at the end ≤ 1.5× RSS at the first tenth (worst member)", false, 1.5,
            rss?.Ratio, rss is { } r ? $"{r.Member}: {Mib(r.End)} / {Mib(r.Start)}" : "—"));

        var middle = raft is null || raft.Tenths.Count < 2 ? null : raft.Tenths[raft.Tenths.Count / 2 - 1];
        var disk = WorstMemberRatio(middle, last, m => m.DiskBytes);
        goals.Add(new("RaftOrleans disk bounded, not growing with writes: end ≤ 1.25× half-way (worst member)", false, 1.25,
            disk?.Ratio, disk is { } d ? $"{d.Member}: {Mib(d.End)} / {Mib(d.Start)}" : "—"));

        var restartEnd = CatchUp(raft, CatchUpKinds.RestartAtEnd);
        var restartStart = CatchUp(raft, CatchUpKinds.RestartAtStart);
        goals.Add(new("RaftOrleans restart to caught-up follower (end of run) ≤ 2 s", false, 1.0,
            Div(restartEnd, RestartBoundMs), $"{Ms(restartEnd)} / {Ms(RestartBoundMs)}"));
        goals.Add(new("RaftOrleans restart no slower at the end than at the start", false, 1.0,
            Div(restartEnd, restartStart), $"{Ms(restartEnd)} / {Ms(restartStart)}"));

        var returningRaft = CatchUp(raft, CatchUpKinds.Returning);
        var returningEtcd = CatchUp(etcd, CatchUpKinds.Returning);
        goals.Add(new("returning follower (stopped for the second half) catches up no slower than etcd's", false, 1.0,
            Div(returningRaft, returningEtcd), $"{Ms(returningRaft)} / {Ms(returningEtcd)}"));

        var raftPoints = sweep.Where(p => p.Target == Raft && p.Run.Operations > 0).ToList();
        var small = raftPoints.MinBy(p => p.Keys);
        var large = raftPoints.MaxBy(p => p.Keys);
        var measuredBoth = small is not null && large is not null && large.Keys > small.Keys;
        goals.Add(new($"puts at {Clients(large)} clients over {Keys(large)} keys ≥ 0.8× over {Keys(small)} keys (RaftOrleans)", true, 0.8,
            measuredBoth ? Div(large!.Run.OpsPerSecond, small!.Run.OpsPerSecond) : null,
            measuredBoth ? $"{Ops(large!.Run.OpsPerSecond)} / {Ops(small!.Run.OpsPerSecond)} ops/s" : "—"));
        var etcdLarge = large is null ? null : sweep.FirstOrDefault(p => p.Target == Etcd && p.Keys == large.Keys && p.Run.Operations > 0);
        goals.Add(new($"puts over {Keys(large)} keys ≥ 2× etcd's", true, 2.0,
            Div(large?.Run.OpsPerSecond, etcdLarge?.Run.OpsPerSecond), $"{Ops(large?.Run.OpsPerSecond)} / {Ops(etcdLarge?.Run.OpsPerSecond)} ops/s"));

        var etcdLast = etcd?.Tenths.LastOrDefault();
        goals.Add(new("RaftOrleans last-tenth throughput ≥ 2× etcd's last tenth", true, 2.0,
            Div(last?.OpsPerSecond, etcdLast?.OpsPerSecond), $"{Ops(last?.OpsPerSecond)} / {Ops(etcdLast?.OpsPerSecond)} ops/s"));
        return goals;
    }

    /// <summary>The caught-up time of the <paramref name="kind"/> measurement, or null when missing or never caught up.</summary>
    public static double? CatchUp(SoakResult? soak, string kind) => soak?.CatchUps.FirstOrDefault(c => c.Kind == kind)?.CaughtUpMs;

    /// <summary>
    /// The largest end/start ratio of <paramref name="value"/> over the members measured in both parts
    /// (a member that was down at either moment is left out).
    /// </summary>
    public static (string Member, double Start, double End, double Ratio)? WorstMemberRatio(TenthResult? start, TenthResult? end, Func<MemberSample, long?> value)
    {
        if (start is null || end is null || ReferenceEquals(start, end)) return null;
        var pairs = from s in start.Members
                    join e in end.Members on s.Member equals e.Member
                    let a = value(s)
                    let b = value(e)
                    where a is > 0 && b is not null
                    select (s.Member, Start: (double)a!.Value, End: (double)b!.Value, Ratio: (double)b.Value / a.Value);
        var list = pairs.ToList();
        return list.Count == 0 ? null : list.MaxBy(p => p.Ratio);
    }

    private static double? Div(double? a, double? b) => a is { } x && b is { } y && y != 0 ? x / y : null;

    private static string Ops(double? v) => v is { } x ? x.ToString("N0", CultureInfo.InvariantCulture) : "—";

    private static string Ms(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) + " ms" : "—";

    /// <summary>Bytes as MiB with one decimal.</summary>
    public static string Mib(double? bytes) => bytes is { } b ? (b / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture) + " MiB" : "—";

    private static string Keys(KeySweepResult? p) => p is null ? "?" : p.Keys.ToString("N0", CultureInfo.InvariantCulture);

    private static string Clients(KeySweepResult? p) => p is null ? "64" : p.Run.Clients.ToString(CultureInfo.InvariantCulture);
}
