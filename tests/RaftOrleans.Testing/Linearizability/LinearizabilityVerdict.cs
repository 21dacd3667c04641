namespace RaftOrleans.Testing.Linearizability;

/// <summary>The answer of a linearizability check.</summary>
public enum LinearizabilityVerdict
{
    /// <summary>A linearization exists.</summary>
    Linearizable,

    /// <summary>No linearization exists: the store broke its contract.</summary>
    NotLinearizable,

    /// <summary>The search ran out of its step budget before deciding.</summary>
    Undecided,
}
