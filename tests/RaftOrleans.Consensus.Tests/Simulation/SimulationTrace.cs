using System.Globalization;
using System.Runtime.CompilerServices;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>
/// What happened in a run, for the failure report and for replay. Keeps the last
/// <c>capacity</c> lines in a ring, or every line when replaying one seed, or nothing at all
/// (<see cref="Disabled"/>): a sweep runs without a trace and re-runs a failing seed with one, which
/// gives the same run because runs are deterministic. A disabled trace costs no formatting at all:
/// interpolated lines go through <see cref="LineHandler"/>, which skips the formatting when disabled.
/// </summary>
internal sealed class SimulationTrace
{
    private readonly Line[] _ring;
    private readonly List<Line>? _all;
    private long _count;

    /// <summary>A trace keeping the last <paramref name="capacity"/> lines, or all lines when <paramref name="keepAll"/>.</summary>
    public SimulationTrace(int capacity = 200, bool keepAll = false)
    {
        Enabled = capacity > 0 || keepAll;
        _ring = new Line[Math.Max(1, capacity)];
        _all = keepAll ? [] : null;
    }

    /// <summary>A trace that records nothing.</summary>
    public static SimulationTrace Disabled => new(0);

    /// <summary>False when lines are discarded unformatted.</summary>
    public bool Enabled { get; }

    /// <summary>Lines recorded in total.</summary>
    public long Count => _count;

    /// <summary>Records a fixed line at simulated time <paramref name="time"/> (in time units).</summary>
    public void Add(long time, string text)
    {
        if (Enabled) Store(new Line(time, text, null));
    }

    /// <summary>Records an interpolated line; formatted only if the trace is enabled.</summary>
    public void Add(long time, [InterpolatedStringHandlerArgument("")] ref LineHandler text)
    {
        if (Enabled) Store(new Line(time, text.ToStringAndClear(), null));
    }

    /// <summary>Records a network event for <paramref name="message"/>, formatted lazily.</summary>
    public void Add(long time, string verb, Message message)
    {
        if (Enabled) Store(new Line(time, verb, message));
    }

    /// <summary>The last <paramref name="n"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Last(int n)
    {
        int available = (int)Math.Min(_count, _ring.Length);
        int take = Math.Min(n, available);
        var lines = new List<string>(take);
        for (long i = _count - take; i < _count; i++) lines.Add(_ring[i % _ring.Length].ToString());
        return lines;
    }

    /// <summary>Every line (only when created with keepAll; otherwise the ring's content).</summary>
    public IReadOnlyList<string> All() => _all is null ? Last(_ring.Length) : _all.Select(l => l.ToString()).ToList();

    private void Store(Line line)
    {
        _ring[_count % _ring.Length] = line;
        _count++;
        _all?.Add(line);
    }

    /// <summary>Formats an interpolated trace line only when the trace is enabled.</summary>
    [InterpolatedStringHandler]
    public ref struct LineHandler
    {
        private DefaultInterpolatedStringHandler _inner;

        public LineHandler(int literalLength, int formattedCount, SimulationTrace trace, out bool enabled)
        {
            enabled = trace.Enabled;
            _inner = enabled ? new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture) : default;
        }

        public void AppendLiteral(string value) => _inner.AppendLiteral(value);

        public void AppendFormatted<T>(T value) => _inner.AppendFormatted(value);

        public void AppendFormatted<T>(T value, string? format) => _inner.AppendFormatted(value, format);

        public string ToStringAndClear() => _inner.ToStringAndClear();
    }

    private readonly record struct Line(long Time, string Text, Message? Message)
    {
        public override string ToString()
        {
            string time = (Time / (double)Simulation.UnitsPerTick).ToString("0.0", CultureInfo.InvariantCulture);
            return Message is null ? $"t={time} {Text}" : $"t={time} net {Text} {Describe(Message)}";
        }

        private static string Describe(Message m)
        {
            string detail = m.Type switch
            {
                MessageType.Append => $" prev=({m.Index},{m.LogTerm}) entries={Range(m.Entries)} commit={m.Commit}",
                MessageType.AppendResponse => m.Reject ? $" reject idx={m.Index} hint=({m.RejectHint},{m.LogTerm})" : $" match={m.Index}",
                MessageType.Vote or MessageType.PreVote => $" last=({m.Index},{m.LogTerm}){(m.LeaderTransfer ? " transfer" : "")}",
                MessageType.VoteResponse or MessageType.PreVoteResponse => m.Reject ? " rejected" : " granted",
                MessageType.Heartbeat => $" commit={m.Commit}{(m.Context != 0 ? $" ctx={m.Context}" : "")}",
                MessageType.HeartbeatResponse => m.Context != 0 ? $" ctx={m.Context}" : "",
                _ => "",
            };
            return $"{m.From}->{m.To} {m.Type} term={m.Term}{detail}";
        }

        private static string Range(IReadOnlyList<Entry> entries) =>
            entries.Count == 0 ? "[]" : $"[{entries[0].Index}..{entries[^1].Index} t{entries[^1].Term}]";
    }
}
