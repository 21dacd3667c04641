using RaftOrleans.Consensus;

namespace RaftOrleans.Grains.Replica;

/// <summary>Converts between the consensus core's types and their serializable wire/storage twins.</summary>
internal static class EntryMapping
{
    public static RaftEntryData ToData(this Entry e) => new() { Term = e.Term, Index = e.Index, Type = (byte)e.Type, Data = e.Data };

    public static Entry ToEntry(this RaftEntryData d) => new(d.Term, d.Index, (EntryType)d.Type, d.Data);

    public static RaftEnvelope ToEnvelope(this Message m)
    {
        var entries = new RaftEntryData[m.Entries.Count];
        for (var i = 0; i < entries.Length; i++) entries[i] = m.Entries[i].ToData();
        return new RaftEnvelope
        {
            Type = (byte)m.Type, From = m.From, To = m.To, Term = m.Term, LogTerm = m.LogTerm, Index = m.Index,
            Entries = entries, Commit = m.Commit, Reject = m.Reject, RejectHint = m.RejectHint, Context = m.Context,
            LeaderTransfer = m.LeaderTransfer, Offset = m.Offset, Data = m.Data.IsEmpty ? [] : m.Data.ToArray(), Done = m.Done,
            TotalBytes = m.TotalBytes, Voters = m.Voters.Count == 0 ? [] : m.Voters.ToArray(),
            Incarnations = m.Incarnations.Count == 0 ? [] : m.Incarnations.ToArray(), FromIncarnation = m.FromIncarnation,
            Configuration = m.Configuration is null ? [] : ConfigurationCodec.Encode(m.Configuration),
        };
    }

    public static Message ToMessage(this RaftEnvelope e)
    {
        var entries = new Entry[e.Entries.Length];
        for (var i = 0; i < entries.Length; i++) entries[i] = e.Entries[i].ToEntry();
        return new Message
        {
            Type = (MessageType)e.Type, From = e.From, To = e.To, Term = e.Term, LogTerm = e.LogTerm, Index = e.Index,
            Entries = entries, Commit = e.Commit, Reject = e.Reject, RejectHint = e.RejectHint, Context = e.Context,
            LeaderTransfer = e.LeaderTransfer, Offset = e.Offset, Data = e.Data, Done = e.Done, TotalBytes = e.TotalBytes,
            Voters = e.Voters, Incarnations = e.Incarnations ?? [], FromIncarnation = e.FromIncarnation,
            Configuration = e.Configuration is { Length: > 0 } c ? ConfigurationCodec.DecodeConfiguration(c) : null,
        };
    }
}
