namespace RaftOrleans.Consensus;

/// <summary>
/// The one rule every driver follows for <see cref="RaftConfig.Incarnation"/>: storage that has an incarnation
/// keeps it; storage without one (created blank, or written before incarnations existed) gets a new random
/// nonzero one, which the driver must persist before the replica sends any message. A replica restarted on a
/// wiped disk therefore always comes back under a new incarnation, which its peers do not count.
/// </summary>
public static class StorageIncarnation
{
    /// <summary>
    /// The incarnation to run with, given the one loaded from storage (0 = none stored).
    /// </summary>
    /// <param name="stored">The persisted incarnation, or 0 when the storage holds none.</param>
    /// <param name="random">Source of a new incarnation (seeded in simulations; <see cref="Random.Shared"/> in silos).</param>
    /// <param name="mustPersist">True when a new incarnation was drawn: persist it before sending anything.</param>
    public static long Resolve(long stored, Random random, out bool mustPersist)
    {
        ArgumentNullException.ThrowIfNull(random);
        mustPersist = stored == 0;
        if (stored != 0) return stored;
        long drawn;
        do
        {
            drawn = random.NextInt64(long.MinValue, long.MaxValue);
        }
        while (drawn == 0);
        return drawn;
    }
}
