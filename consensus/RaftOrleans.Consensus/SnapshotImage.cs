namespace RaftOrleans.Consensus;

/// <summary>
/// A complete state-machine image: <see cref="Metadata"/> plus the state machine's own encoding of its state
/// at <see cref="SnapshotMetadata.Index"/>. The core never looks inside <see cref="Data"/>; it only moves it
/// (in InstallSnapshot chunks) between a leader's <see cref="IStateMachineSnapshotter"/> and a follower's driver.
/// </summary>
/// <param name="Metadata">Index, term and configuration the image covers.</param>
/// <param name="Data">The state machine's encoding (opaque to the core). Must not be mutated once handed over.</param>
public sealed record SnapshotImage(SnapshotMetadata Metadata, ReadOnlyMemory<byte> Data);
