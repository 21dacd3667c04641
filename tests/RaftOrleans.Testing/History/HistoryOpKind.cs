namespace RaftOrleans.Testing.History;

/// <summary>What a client asked the store to do.</summary>
public enum HistoryOpKind
{
    /// <summary>Write a value.</summary>
    Put,

    /// <summary>Read a key (linearizable read).</summary>
    Get,

    /// <summary>Remove a key.</summary>
    Delete,

    /// <summary>Compare-and-swap on the current value (or on absence).</summary>
    Cas,
}

/// <summary>What a client saw when its operation completed.</summary>
public enum HistoryOutcome
{
    /// <summary>Done (write applied, key read, key deleted, Cas swapped).</summary>
    Ok,

    /// <summary>The key was absent (Get, Delete).</summary>
    NotFound,

    /// <summary>The Cas condition did not hold; nothing changed.</summary>
    CasConflict,
}
