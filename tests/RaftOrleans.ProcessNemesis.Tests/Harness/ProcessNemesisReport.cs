namespace RaftOrleans.ProcessNemesis.Tests.Harness;

/// <summary>The outcome of one process-nemesis run.</summary>
public sealed record ProcessNemesisReport
{
    /// <summary>The run's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Every check that failed (empty: the run passed).</summary>
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>Operations recorded, final reads included.</summary>
    public required int Operations { get; init; }

    /// <summary>Operations whose outcome no client learned.</summary>
    public required int Indeterminate { get; init; }

    /// <summary>Acknowledged writes (puts and swaps answered ok).</summary>
    public required int AcknowledgedWrites { get; init; }

    /// <summary>Keys with no linearization.</summary>
    public required int Violations { get; init; }

    /// <summary>Acknowledged writes lost.</summary>
    public required int LostWrites { get; init; }

    /// <summary>Silos that died or changed process without the nemesis killing them.</summary>
    public required int SiloDeaths { get; init; }

    /// <summary>Membership changes made (learners added, promoted, members removed), the final heal included.</summary>
    public required int MembershipChanges { get; init; }

    /// <summary>Data directories wiped (silos restarted on a blank disk under their old name).</summary>
    public required int Wipes { get; init; }

    /// <summary>Outcome counts.</summary>
    public required string Outcomes { get; init; }

    /// <summary>The planned schedule.</summary>
    public required string Schedule { get; init; }

    /// <summary>What the nemesis did.</summary>
    public required string Log { get; init; }

    /// <summary>Replica status and silo output at the end, when the run failed.</summary>
    public required string Cluster { get; init; }

    /// <summary>Wall time of the run.</summary>
    public required TimeSpan Elapsed { get; init; }

    /// <summary>A one-line summary.</summary>
    public string Summary => $"seed {Seed}: {(Failures.Count == 0 ? "ok" : $"FAILED ({Failures.Count})")}, {Operations} ops, {AcknowledgedWrites} acknowledged writes, {Indeterminate} indeterminate, "
        + $"{Violations} linearizability violations, {LostWrites} lost writes, {SiloDeaths} silo deaths, {MembershipChanges} membership changes, {Wipes} wipes, {Elapsed.TotalSeconds:0} s";
}
