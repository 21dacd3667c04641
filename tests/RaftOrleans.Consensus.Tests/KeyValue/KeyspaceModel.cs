using System.Text;
using RaftOrleans.KeyValue;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>
/// A deliberately naive keyspace for checking <see cref="KeyValueStateMachine"/>: every revision's whole state is
/// kept as a copy, keys are ordered by comparing their UTF-8 bytes, and each rule is written the plain way.
/// </summary>
internal sealed class KeyspaceModel
{
    private readonly List<Dictionary<string, KvEntry>> _states = [new(StringComparer.Ordinal)];
    private readonly Dictionary<long, long> _leases = [];
    private long _lastLeaseId;

    public long Revision => _states.Count - 1;

    private Dictionary<string, KvEntry> Now => _states[^1];

    public static int Utf8Compare(string a, string b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    public static bool InRange(KvRange range, string key)
    {
        if (range.Prefix) return Encoding.UTF8.GetBytes(key).AsSpan().StartsWith(Encoding.UTF8.GetBytes(range.Key));
        if (range.RangeEnd is null) return key == range.Key;
        return Utf8Compare(key, range.Key) >= 0 && (range.RangeEnd == KvRange.ToEnd || Utf8Compare(key, range.RangeEnd) < 0);
    }

    public KvResult Range(KvRange range, long floor)
    {
        long at = range.Revision == 0 ? Revision : range.Revision;
        if (at > Revision) return KvResult.BadInput("future");
        if (at < floor) return new KvResult(KvStatus.Compacted, null, floor);
        return Answer(range, _states[(int)at], at);
    }

    private static KvResult Answer(KvRange range, Dictionary<string, KvEntry> state, long at)
    {
        var matches = state.Values.Where(e => InRange(range, e.Key)).OrderBy(e => e.Key, Comparer<string>.Create(Utf8Compare)).ToList();
        var entries = range.CountOnly ? [] : matches.Take(range.Limit == 0 ? int.MaxValue : (int)range.Limit)
            .Select(e => range.KeysOnly ? e with { Value = null } : e).ToList();
        return new KvResult(KvStatus.Ok, null, at) { Entries = entries, Count = matches.Count, More = !range.CountOnly && range.Limit > 0 && matches.Count > range.Limit };
    }

    public KvResult Get(string key) => Now.TryGetValue(key, out var e)
        ? new KvResult(KvStatus.Ok, e.Value, e.ModRevision) { CreateRevision = e.CreateRevision, Version = e.Version }
        : KvResult.NotFound;

    public KvResult Apply(KvCommand command)
    {
        var next = new Dictionary<string, KvEntry>(Now, StringComparer.Ordinal);
        long revision = Revision + 1;
        bool changed = false;
        void Put(string key, string value, long lease = 0)
        {
            next[key] = next.TryGetValue(key, out var old)
                ? old with { Value = value, ModRevision = revision, Version = old.Version + 1, Lease = lease }
                : new KvEntry(key, value, revision, revision, 1, lease);
            changed = true;
        }
        bool Unknown(long lease) => lease != 0 && !_leases.ContainsKey(lease);
        long DeleteMatching(KvRange range)
        {
            var doomed = next.Keys.Where(k => InRange(range, k)).ToList();
            foreach (var k in doomed) next.Remove(k);
            changed |= doomed.Count > 0;
            return doomed.Count;
        }
        KvResult result;
        switch (command.Op)
        {
            case KvOp.Put:
                if (Unknown(command.Lease)) return KvResult.BadInput("unknown lease");
                Put(command.Key, command.Value!, command.Lease);
                result = new KvResult(KvStatus.Ok, command.Value, revision);
                break;
            case KvOp.Delete:
                if (!next.TryGetValue(command.Key, out var gone)) return KvResult.NotFound;
                next.Remove(command.Key);
                changed = true;
                result = new KvResult(KvStatus.Ok, gone.Value, revision);
                break;
            case KvOp.Cas:
                bool exists = next.TryGetValue(command.Key, out var current);
                bool holds = command.MustNotExist ? !exists : command.ExpectedRevision is long r ? exists && current.ModRevision == r : exists && current.Value == command.ExpectedValue;
                if (!holds) return exists ? new KvResult(KvStatus.CasConflict, current.Value, current.ModRevision) : new KvResult(KvStatus.CasConflict, null, 0);
                Put(command.Key, command.Value!);
                result = new KvResult(KvStatus.Ok, command.Value, revision);
                break;
            case KvOp.DeleteRange:
                long count = DeleteMatching(command.Range!);
                result = new KvResult(KvStatus.Ok, null, changed ? revision : Revision) { Count = count };
                break;
            case KvOp.Increment:
                long n = 0;
                if (next.TryGetValue(command.Key, out var held) && !long.TryParse(held.Value, out n)) return KvResult.BadInput("not an integer");
                Put(command.Key, (n + command.Delta).ToString(System.Globalization.CultureInfo.InvariantCulture), held.Lease);
                result = new KvResult(KvStatus.Ok, next[command.Key].Value, revision);
                break;
            case KvOp.LeaseGrant:
                long id = command.Lease;
                if (id == 0) { do id = ++_lastLeaseId; while (_leases.ContainsKey(id)); }
                else if (_leases.ContainsKey(id)) return KvResult.BadInput("exists");
                _leases[id] = command.Ttl;
                return new KvResult(KvStatus.Ok, null, Revision) { Lease = id, Ttl = command.Ttl };
            case KvOp.LeaseRevoke:
                if (!_leases.Remove(command.Lease)) return new KvResult(KvStatus.NotFound, null, 0);
                var attached = next.Values.Where(e => e.Lease == command.Lease).Select(e => e.Key).ToList();
                foreach (var k in attached) next.Remove(k);
                changed = attached.Count > 0;
                result = new KvResult(KvStatus.Ok, null, changed ? revision : Revision) { Count = attached.Count, Lease = command.Lease };
                break;
            default:
                var txn = command.Txn!;
                bool ok = txn.Compares.All(c => CompareHolds(c, next.TryGetValue(c.Key, out var e) ? e : null));
                if ((ok ? txn.Success : txn.Failure).Any(op => op.Kind == KvTxnOpKind.Put && Unknown(op.Lease))) return KvResult.BadInput("unknown lease");
                var responses = new List<KvResult>();
                foreach (var op in ok ? txn.Success : txn.Failure)
                {
                    if (op.Kind == KvTxnOpKind.Put) { Put(op.Range.Key, op.Value!, op.Lease); responses.Add(new KvResult(KvStatus.Ok, op.Value, 0)); }
                    else if (op.Kind == KvTxnOpKind.Delete) responses.Add(new KvResult(KvStatus.Ok, null, 0) { Count = DeleteMatching(op.Range) });
                    else responses.Add(Answer(op.Range, next, 0));
                }
                long final = changed ? revision : Revision;
                result = new KvResult(KvStatus.Ok, null, final) { Succeeded = ok, Responses = responses.Select(x => x with { Revision = final }).ToList() };
                break;
        }
        if (changed) _states.Add(next);
        return result;
    }

    /// <summary>Every change at <paramref name="from"/> or later to keys of <paramref name="range"/>, by diffing whole states.</summary>
    public List<KvEvent> Changes(KvRange range, long from)
    {
        var events = new List<KvEvent>();
        for (long r = Math.Max(1, from); r <= Revision; r++)
        {
            var before = _states[(int)r - 1];
            var after = _states[(int)r];
            foreach (var key in before.Keys.Union(after.Keys).Where(k => InRange(range, k)).Order(StringComparer.Ordinal))
            {
                bool had = before.TryGetValue(key, out var old), has = after.TryGetValue(key, out var now);
                if (had && has && old == now) continue;
                if (!had && !has) continue;
                events.Add(has
                    ? new KvEvent(r, false, now, had ? old : null)
                    : new KvEvent(r, true, new KvEntry(key, null, 0, r, 0), old));
            }
        }
        return events;
    }

    private static bool CompareHolds(KvCompare c, KvEntry? entry)
    {
        int order;
        if (c.Target == KvCompareTarget.Value)
        {
            if (entry is null) return false;
            order = Utf8Compare(entry.Value.Value!, c.Value!);
        }
        else
        {
            long actual = entry is null ? 0 : c.Target switch
            {
                KvCompareTarget.Version => entry.Value.Version,
                KvCompareTarget.CreateRevision => entry.Value.CreateRevision,
                _ => entry.Value.ModRevision,
            };
            order = actual.CompareTo(c.Number);
        }
        return c.Operator switch
        {
            KvCompareOperator.Equal => order == 0,
            KvCompareOperator.NotEqual => order != 0,
            KvCompareOperator.Less => order < 0,
            _ => order > 0,
        };
    }
}
