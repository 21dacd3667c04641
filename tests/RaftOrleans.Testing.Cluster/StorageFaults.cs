namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// The test's control over the replicas' storage, per silo, applied by
/// <see cref="FaultInjectingGrainStorage"/> (one shared instance for every silo of a cluster).
/// Faults: added latency on every storage call; a write that fails before it reaches the disk; a
/// write that lands and then the replica crashes before it hears so (the caller sees an exception);
/// a write that lands and then the whole silo is killed before the call returns. Latency draws
/// come from one seeded <see cref="Random"/>. Thread-safe.
/// </summary>
public sealed class StorageFaults(int seed = 0)
{
    private readonly object _gate = new();
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, Rules> _bySilo = new(StringComparer.Ordinal);

    /// <summary>Kills a silo by name; set by <see cref="RaftTestCluster"/>. Needed by <see cref="KillSiloAfterNextWrite"/>.</summary>
    public Func<string, Task>? SiloKiller { get; set; }

    /// <summary>Storage calls that were delayed.</summary>
    public long DelayedCalls { get; private set; }

    /// <summary>Writes failed before reaching storage.</summary>
    public long FailedWrites { get; private set; }

    /// <summary>Writes that landed, after which the caller saw a crash.</summary>
    public long CrashesAfterWrite { get; private set; }

    /// <summary>Writes that landed, after which the silo was killed.</summary>
    public long KillsAfterWrite { get; private set; }

    /// <summary>Delays every storage call on <paramref name="silo"/> by a uniform draw in [min, max].</summary>
    public void SetLatency(string silo, TimeSpan min, TimeSpan max)
    {
        if (max < min) throw new ArgumentException($"max latency {max} is below min {min}.", nameof(max));
        lock (_gate) RulesFor(silo).Latency = (min, max);
    }

    /// <summary>Fails the next <paramref name="count"/> writes on <paramref name="silo"/> before they reach storage.</summary>
    public void FailNextWrites(string silo, int count)
    {
        lock (_gate) RulesFor(silo).FailWrites += count;
    }

    /// <summary>Lets the next write on <paramref name="silo"/> land, then throws to its caller: the replica
    /// crashes between making state durable and acting on it.</summary>
    public void CrashAfterNextWrite(string silo)
    {
        lock (_gate) RulesFor(silo).After = AfterWrite.Crash;
    }

    /// <summary>Lets the next write on <paramref name="silo"/> land, then kills the silo before the call returns.</summary>
    public void KillSiloAfterNextWrite(string silo)
    {
        if (SiloKiller is null) throw new InvalidOperationException("No SiloKiller is set.");
        lock (_gate) RulesFor(silo).After = AfterWrite.KillSilo;
    }

    /// <summary>Write faults (failed writes, crashes and kills after a write) that fired on <paramref name="silo"/> so far.</summary>
    public long Fired(string silo)
    {
        lock (_gate) return _bySilo.TryGetValue(silo, out var r) ? r.Fired : 0;
    }

    /// <summary>True while a write fault on <paramref name="silo"/> is armed and has not fired yet.</summary>
    public bool WriteFaultArmed(string silo)
    {
        lock (_gate) return _bySilo.TryGetValue(silo, out var r) && (r.FailWrites > 0 || r.After != AfterWrite.None);
    }

    /// <summary>Removes the latency on <paramref name="silo"/>; armed write faults stay.</summary>
    public void ClearLatency(string silo)
    {
        lock (_gate)
        {
            if (_bySilo.TryGetValue(silo, out var r)) r.Latency = null;
        }
    }

    /// <summary>Disarms the write faults on <paramref name="silo"/> that have not fired yet; latency stays.</summary>
    public void DisarmWrites(string silo)
    {
        lock (_gate)
        {
            if (!_bySilo.TryGetValue(silo, out var r)) return;
            r.FailWrites = 0;
            r.After = AfterWrite.None;
        }
    }

    /// <summary>Removes every fault on <paramref name="silo"/>.</summary>
    public void Clear(string silo)
    {
        lock (_gate)
        {
            if (!_bySilo.TryGetValue(silo, out var r)) return;
            r.Latency = null;
            r.FailWrites = 0;
            r.After = AfterWrite.None;
        }
    }

    /// <summary>Removes every fault.</summary>
    public void ClearAll()
    {
        lock (_gate)
        {
            foreach (var silo in _bySilo.Keys.ToArray()) Clear(silo);
        }
    }

    internal TimeSpan NextLatency(string silo)
    {
        lock (_gate)
        {
            if (!_bySilo.TryGetValue(silo, out var r) || r.Latency is not { } l) return TimeSpan.Zero;
            DelayedCalls++;
            return l.Min + TimeSpan.FromTicks((long)((l.Max - l.Min).Ticks * _random.NextDouble()));
        }
    }

    internal bool TakeFailBeforeWrite(string silo)
    {
        lock (_gate)
        {
            if (!_bySilo.TryGetValue(silo, out var r) || r.FailWrites == 0) return false;
            r.FailWrites--;
            r.Fired++;
            FailedWrites++;
            return true;
        }
    }

    internal AfterWrite TakeAfterWrite(string silo)
    {
        lock (_gate)
        {
            if (!_bySilo.TryGetValue(silo, out var r) || r.After == AfterWrite.None) return AfterWrite.None;
            var after = r.After;
            r.After = AfterWrite.None;
            r.Fired++;
            if (after == AfterWrite.Crash) CrashesAfterWrite++;
            else KillsAfterWrite++;
            return after;
        }
    }

    private Rules RulesFor(string silo)
    {
        if (!_bySilo.TryGetValue(silo, out var r)) _bySilo.Add(silo, r = new Rules());
        return r;
    }

    /// <summary>
    /// The most writes and deletes that were ever in the real storage of <paramref name="silo"/> at
    /// once. The replicas' SQLite file admits one writer: more than 1 means a write could meet
    /// SQLITE_BUSY (and Microsoft.Data.Sqlite's 150 ms sleep).
    /// </summary>
    public int MaxConcurrentWrites(string silo)
    {
        lock (_gate) return RulesFor(silo).MaxWritesInFlight;
    }

    /// <summary>Counts a write or delete on <paramref name="silo"/> as in flight until the result is disposed.</summary>
    internal IDisposable EnterWrite(string silo)
    {
        lock (_gate)
        {
            var rules = RulesFor(silo);
            rules.MaxWritesInFlight = Math.Max(rules.MaxWritesInFlight, ++rules.WritesInFlight);
            return new WriteInFlight(this, rules);
        }
    }

    private sealed class WriteInFlight(StorageFaults faults, Rules rules) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            lock (faults._gate) rules.WritesInFlight--;
        }
    }

    private sealed class Rules
    {
        public (TimeSpan Min, TimeSpan Max)? Latency;
        public int FailWrites;
        public AfterWrite After;
        public long Fired;
        public int WritesInFlight;
        public int MaxWritesInFlight;
    }

    internal enum AfterWrite
    {
        None,
        Crash,
        KillSilo,
    }
}
