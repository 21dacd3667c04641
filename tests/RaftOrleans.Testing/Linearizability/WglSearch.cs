namespace RaftOrleans.Testing.Linearizability;

/// <summary>
/// The Wing &amp; Gong search with Lowe's memoisation, over one key's operations. Call and return
/// events sit in a doubly linked list in time order; the search walks it, linearizing an operation
/// at its call event when the model allows and the (linearized set, state) pair is new, and
/// backtracking at the first return event whose operation is not yet linearized. Linearized
/// events are unlinked and relinked in LIFO order ("dancing links"), so each step is O(1).
/// Indeterminate operations have no return event: they may be linearized anywhere after their call,
/// or never, and the search succeeds once every completed operation is linearized.
/// </summary>
internal sealed class WglSearch
{
    private readonly RegisterOp[] _ops;
    // Event list: node 0 is the head sentinel; node i+1 is event i. -1 ends the list.
    private readonly int[] _next;
    private readonly int[] _prev;
    private readonly int[] _eventOp;
    private readonly bool[] _eventIsCall;
    private readonly int[] _returnNodeOfOp;
    private readonly ulong[] _opHash;

    public WglSearch(RegisterOp[] ops)
    {
        _ops = ops;
        var events = new List<(long Time, bool IsCall, int Op)>(ops.Length * 2);
        for (int i = 0; i < ops.Length; i++)
        {
            events.Add((ops[i].Invoke, true, i));
            if (!ops[i].Pending) events.Add((ops[i].Return, false, i));
        }
        // At equal times calls come first: operations that touch in time count as concurrent,
        // which can only make the check more permissive, never invent a violation.
        events.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time)
            : a.IsCall != b.IsCall ? (a.IsCall ? -1 : 1)
            : a.Op.CompareTo(b.Op));

        int nodes = events.Count + 1;
        _next = new int[nodes];
        _prev = new int[nodes];
        _eventOp = new int[nodes];
        _eventIsCall = new bool[nodes];
        _returnNodeOfOp = new int[ops.Length];
        Array.Fill(_returnNodeOfOp, -1);
        for (int node = 0; node < nodes; node++)
        {
            _next[node] = node + 1 < nodes ? node + 1 : -1;
            _prev[node] = node - 1;
        }
        for (int e = 0; e < events.Count; e++)
        {
            _eventOp[e + 1] = events[e].Op;
            _eventIsCall[e + 1] = events[e].IsCall;
            if (!events[e].IsCall) _returnNodeOfOp[events[e].Op] = e + 1;
        }
        _opHash = new ulong[ops.Length];
        ulong seed = 0x9E3779B97F4A7C15UL;
        for (int i = 0; i < ops.Length; i++) _opHash[i] = SplitMix64(ref seed);
    }

    /// <summary>The outcome of <see cref="Run"/>.</summary>
    public readonly record struct Outcome(LinearizabilityVerdict Verdict, long Steps, int[] LongestPrefix, int StuckOp);

    /// <summary>Searches for a linearization within <paramref name="stepBudget"/> steps.</summary>
    public Outcome Run(long stepBudget)
    {
        int remainingReturns = _ops.Count(op => !op.Pending);
        var linearized = new ulong[(_ops.Length + 63) / 64];
        ulong hash = 0;
        int state = RegisterOp.Absent;
        var cache = new HashSet<CacheKey>();
        var stack = new Stack<(int CallNode, int PreviousState)>();
        int[] longest = [];
        int longestDepth = -1;
        int stuckOp = -1;
        long steps = 0;
        int node = _next[0];

        while (true)
        {
            if (remainingReturns == 0)
                return new Outcome(LinearizabilityVerdict.Linearizable, steps, [], -1);
            // The walk never passes the first return event still in the list (it backtracks there),
            // so with returns left it cannot fall off the end.
            if (node == -1)
                throw new InvalidOperationException("Linearizability search ran past the last event with completed operations left.");
            if (++steps > stepBudget)
                return new Outcome(LinearizabilityVerdict.Undecided, steps, longest, stuckOp);

            int op = _eventOp[node];
            if (_eventIsCall[node])
            {
                if (_ops[op].Step(state, out int nextState))
                {
                    linearized[op >> 6] |= 1UL << op;
                    ulong nextHash = hash ^ _opHash[op];
                    if (cache.Add(new CacheKey((ulong[])linearized.Clone(), nextState, nextHash ^ Mix(nextState))))
                    {
                        stack.Push((node, state));
                        state = nextState;
                        hash = nextHash;
                        Lift(node, op, ref remainingReturns);
                        node = _next[0];
                        continue;
                    }
                    linearized[op >> 6] &= ~(1UL << op);
                }
                node = _next[node];
            }
            else
            {
                // The earliest pending return: its operation must be linearized before anything
                // later, and no choice so far allows it. Remember the deepest such point for the report.
                if (stack.Count > longestDepth)
                {
                    longestDepth = stack.Count;
                    longest = stack.Select(s => _eventOp[s.CallNode]).Reverse().ToArray();
                    stuckOp = op;
                }
                if (stack.Count == 0)
                    return new Outcome(LinearizabilityVerdict.NotLinearizable, steps, longest, stuckOp);
                (int callNode, int previousState) = stack.Pop();
                int undone = _eventOp[callNode];
                linearized[undone >> 6] &= ~(1UL << undone);
                hash ^= _opHash[undone];
                state = previousState;
                Unlift(callNode, undone, ref remainingReturns);
                node = _next[callNode];
            }
        }
    }

    private void Lift(int callNode, int op, ref int remainingReturns)
    {
        Unlink(callNode);
        int returnNode = _returnNodeOfOp[op];
        if (returnNode >= 0)
        {
            Unlink(returnNode);
            remainingReturns--;
        }
    }

    private void Unlift(int callNode, int op, ref int remainingReturns)
    {
        int returnNode = _returnNodeOfOp[op];
        if (returnNode >= 0)
        {
            Relink(returnNode);
            remainingReturns++;
        }
        Relink(callNode);
    }

    private void Unlink(int node)
    {
        _next[_prev[node]] = _next[node];
        if (_next[node] >= 0) _prev[_next[node]] = _prev[node];
    }

    // Valid only in reverse order of Unlink calls: the node's own links still name its old neighbours.
    private void Relink(int node)
    {
        _next[_prev[node]] = node;
        if (_next[node] >= 0) _prev[_next[node]] = node;
    }

    private static ulong Mix(int state)
    {
        ulong x = (ulong)state + 0x632BE59BD9B4E019UL;
        return SplitMix64(ref x);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
