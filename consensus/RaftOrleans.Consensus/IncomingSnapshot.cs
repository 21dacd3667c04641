namespace RaftOrleans.Consensus;

/// <summary>
/// A follower's buffer for one InstallSnapshot transfer: identified by the leader, its term and the snapshot's
/// index and term; bytes accepted strictly in order. Held in memory only: a crash mid-transfer starts over.
/// </summary>
internal sealed class IncomingSnapshot
{
    private readonly byte[] buffer;

    public IncomingSnapshot(Message first)
    {
        // The caller drops chunks with an impossible size first.
        ArgumentOutOfRangeException.ThrowIfNegative(first.TotalBytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first.TotalBytes, Array.MaxLength);
        From = first.From;
        LeaderTerm = first.Term;
        Metadata = new SnapshotMetadata(first.Index, first.LogTerm, first.Voters.ToArray()) { Incarnations = first.Incarnations.ToArray(), Configuration = first.Configuration };
        buffer = new byte[first.TotalBytes];
    }

    public int From { get; }

    public long LeaderTerm { get; }

    public SnapshotMetadata Metadata { get; }

    /// <summary>The next byte offset expected; every byte before it is buffered.</summary>
    public long Expected { get; private set; }

    public bool IsComplete => Expected == buffer.Length;

    /// <summary>True when <paramref name="m"/> is a chunk of this transfer.</summary>
    public bool IsSameTransfer(Message m) =>
        m.From == From && m.Term == LeaderTerm && m.Index == Metadata.Index && m.LogTerm == Metadata.Term && m.TotalBytes == buffer.Length;

    /// <summary>Buffers <paramref name="m"/> if it is the next chunk; false for a duplicate, a gap or a chunk
    /// that would overrun the image.</summary>
    public bool Accept(Message m)
    {
        if (m.Offset != Expected || Expected + m.Data.Length > buffer.Length) return false;
        if (m.Done != (Expected + m.Data.Length == buffer.Length)) return false;
        m.Data.Span.CopyTo(buffer.AsSpan((int)Expected));
        Expected += m.Data.Length;
        return true;
    }

    public SnapshotImage ToImage() => new(Metadata, buffer);
}
