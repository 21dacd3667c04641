namespace RaftOrleans.Grains.Backup;

/// <summary>
/// What one backup file holds: a committed, applied state machine image of one group at
/// <see cref="Index"/> (whose entry has term <see cref="Term"/>), the group's voters at that index,
/// and the state machine's own encoding of its state.
/// </summary>
/// <param name="Index">Last log index the image includes.</param>
/// <param name="Term">Term of the entry at <paramref name="Index"/>.</param>
/// <param name="Voters">Voting replica ids at <paramref name="Index"/>, in increasing order.</param>
/// <param name="Data">The state machine encoding (<c>KeyValueStateMachine.Snapshot()</c>).</param>
public sealed record BackupContents(long Index, long Term, IReadOnlyList<int> Voters, ReadOnlyMemory<byte> Data);
