namespace RaftOrleans.Nemesis.Tests.Harness;

/// <summary>How a run's fault schedule is made.</summary>
public enum FaultMode
{
    /// <summary>Faults of random kinds at random times, overlapping (within limits that keep a majority of silos up).</summary>
    Mixed,

    /// <summary>Every fault kind once, one at a time, each healed before the next: what each fault alone does.</summary>
    Alone,
}
