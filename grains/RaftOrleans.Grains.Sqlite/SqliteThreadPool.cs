namespace RaftOrleans.Grains.AdoNet;

/// <summary>
/// Microsoft.Data.Sqlite performs its I/O (fsync included) synchronously, even from its async
/// methods, so every storage write holds a thread-pool thread for the length of a disk flush. On a
/// 2-core machine the pool starts with 2 worker threads and adds more only slowly (about one per
/// 0.5 s), so a few concurrent flushes starve the Orleans scheduler, timers slip and replicas hold
/// spurious elections. Raising the pool's minimum lets blocked flushes and the scheduler coexist.
/// </summary>
public static class SqliteThreadPool
{
    /// <summary>The minimum number of worker threads the SQLite providers need.</summary>
    public const int MinimumWorkerThreads = 64;

    /// <summary>Raises the thread pool's minimum worker threads to <see cref="MinimumWorkerThreads"/> (never lowers it).</summary>
    public static void EnsureMinimumWorkerThreads()
    {
        ThreadPool.GetMinThreads(out var worker, out var io);
        if (worker < MinimumWorkerThreads) ThreadPool.SetMinThreads(MinimumWorkerThreads, io);
    }
}
