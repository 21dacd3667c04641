using System.Security.Cryptography;
using RaftOrleans.Consensus;

namespace RaftOrleans.Testing.Cluster;

/// <summary>
/// State machine safety, watched live: every entry any replica applies, at any time (restarts
/// included), must be the entry every other replica applied at that index. The first replica to
/// apply an index sets the record; any later different entry at that index is a conflict. Fed by
/// <see cref="ReplicaFaultHook.OnApplied"/>. Thread-safe.
/// </summary>
public sealed class AppliedEntryLedger
{
    private readonly object _gate = new();
    private readonly Dictionary<long, Applied> _byIndex = [];
    private readonly List<string> _conflicts = [];

    /// <summary>Apply events seen (one per replica per entry applied).</summary>
    public long Applications { get; private set; }

    /// <summary>The highest index any replica applied.</summary>
    public long HighestIndex { get; private set; }

    /// <summary>Every conflict found, described (empty when safe).</summary>
    public IReadOnlyList<string> Conflicts
    {
        get { lock (_gate) return _conflicts.ToArray(); }
    }

    /// <summary>Records that <paramref name="replica"/> applied <paramref name="entry"/>.</summary>
    public void Record(int replica, Entry entry)
    {
        var digest = Digest(entry.Data);
        var record = new Applied(entry.Term, entry.Type, entry.Data.Length, digest, replica);
        lock (_gate)
        {
            Applications++;
            if (entry.Index > HighestIndex) HighestIndex = entry.Index;
            if (!_byIndex.TryGetValue(entry.Index, out var first))
            {
                _byIndex.Add(entry.Index, record);
                return;
            }
            if (first.SameEntry(record)) return;
            _conflicts.Add($"index {entry.Index}: replica {first.Replica} applied {first} but replica {replica} applied {record}");
        }
    }

    /// <summary>The entry first applied at <paramref name="index"/>, if any replica applied it.</summary>
    public (long Term, EntryType Type, string Digest)? At(long index)
    {
        lock (_gate) return _byIndex.TryGetValue(index, out var r) ? (r.Term, r.Type, r.Digest) : null;
    }

    /// <summary>The digest the ledger uses for entry data (so other checks can compare with it).</summary>
    public static string Digest(byte[] data) => Convert.ToHexString(SHA256.HashData(data), 0, 8);

    private sealed record Applied(long Term, EntryType Type, int Length, string Digest, int Replica)
    {
        public bool SameEntry(Applied other) => Term == other.Term && Type == other.Type && Length == other.Length && Digest == other.Digest;

        public override string ToString() => $"(term {Term}, {Type}, {Length} bytes, sha256 {Digest})";
    }
}
