using System.Globalization;
using RaftOrleans.Nemesis.Tests.Faults;

namespace RaftOrleans.Nemesis.Tests.Harness;

/// <summary>
/// Everything one nemesis run does, derived from its seed and the settings: cluster size, clients,
/// keys, workload duration and the fault schedule. Printing it is enough to replay the run.
/// </summary>
public sealed record RunPlan
{
    /// <summary>Silos beyond the replicas, hosting no member until a <c>grow(spare)</c> fault adds the spare's
    /// replica: one in every run (a fourth silo for 3 replicas, a sixth for 5).</summary>
    public const int SpareSilos = 1;

    /// <summary>The run's seed.</summary>
    public required int Seed { get; init; }

    /// <summary>How the schedule was made.</summary>
    public required FaultMode Mode { get; init; }

    /// <summary>Silos, one replica each.</summary>
    public required int Replicas { get; init; }

    /// <summary>Concurrent clients.</summary>
    public required int Clients { get; init; }

    /// <summary>Keys the clients share.</summary>
    public required int Keys { get; init; }

    /// <summary>How long the clients run under faults.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>The faults, in start order.</summary>
    public required FaultSchedule Schedule { get; init; }

    /// <summary>A mixed-fault run: every third seed runs 5 silos, the others 3, unless the settings force a count.</summary>
    public static RunPlan Mixed(int seed, NemesisSettings settings)
    {
        var replicas = settings.Replicas ?? (Math.Abs(seed % 3) == 2 ? 5 : 3);
        var duration = TimeSpan.FromSeconds(settings.Seconds);
        return new RunPlan
        {
            Seed = seed, Mode = FaultMode.Mixed, Replicas = replicas, Clients = settings.Clients, Keys = settings.Keys,
            Duration = duration, Schedule = FaultSchedule.Mixed(seed, replicas, duration),
        };
    }

    /// <summary>An every-fault-alone run on 3 silos (unless forced), one phase per fault spec.</summary>
    public static RunPlan Alone(int seed, NemesisSettings settings)
    {
        var replicas = settings.Replicas ?? 3;
        var schedule = FaultSchedule.Alone(seed, TimeSpan.FromSeconds(settings.PhaseSeconds));
        return new RunPlan
        {
            Seed = seed, Mode = FaultMode.Alone, Replicas = replicas, Clients = settings.Clients, Keys = settings.Keys,
            Duration = schedule.End + TimeSpan.FromSeconds(1), Schedule = schedule,
        };
    }

    /// <summary>The command that runs this plan again.</summary>
    public string ReplayCommand
    {
        get
        {
            var test = Mode == FaultMode.Mixed ? "Mixed_faults_campaign" : "Every_fault_alone";
            var length = Mode == FaultMode.Mixed
                ? $"RAFTKV_NEMESIS_SECONDS={Duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)}"
                : $"RAFTKV_NEMESIS_PHASE_SECONDS={Schedule.Phase.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}";
            return $"RAFTKV_NEMESIS_SEED={Seed} RAFTKV_NEMESIS_REPLICAS={Replicas} {length} RAFTKV_NEMESIS_CLIENTS={Clients} RAFTKV_NEMESIS_KEYS={Keys} "
                + $"dotnet test tests/RaftOrleans.Nemesis.Tests -c Release --filter \"FullyQualifiedName~NemesisCampaignTests.{test}\" --logger \"console;verbosity=detailed\"";
        }
    }

    /// <summary>One line naming the run.</summary>
    public override string ToString()
        => $"seed {Seed}: {Mode.ToString().ToLowerInvariant()} faults, {Replicas} silos + {SpareSilos} spare, {Clients} clients, {Keys} keys, {Duration.TotalSeconds:0.#} s";
}
