using RaftOrleans.Consensus;
using RaftOrleans.Consensus.Tests.Support;
using Xunit;
using static RaftOrleans.Consensus.Tests.Support.Cluster;

namespace RaftOrleans.Consensus.Tests.Features;

/// <summary>
/// Disk-loss safety rules (issue #13 item 4): incarnations stamped on messages, the configuration entry that
/// records them, the filter at the top of Step, the unanimous bootstrap, and the configuration in snapshots.
/// </summary>
public sealed class IncarnationTests
{
    private static readonly long[] Incarnations = [11, 22, 33];

    private static RaftConfig Config(int id) => Cluster.Config(id, 3, preVote: false) with { Incarnation = Incarnations[id - 1] };

    private static Message From(Message m, long incarnation) => m with { FromIncarnation = incarnation };

    /// <summary>Storage with term 1: a no-op, the configuration (all committed), and <paramref name="extra"/> empty entries.</summary>
    private static MemoryRaftLogStorage Bootstrapped(int extra = 0)
    {
        List<Entry> entries =
        [
            new Entry(1, 1, EntryType.Noop, []),
            new Entry(1, 2, EntryType.Config, ConfigurationCodec.Encode([1, 2, 3], Incarnations)),
        ];
        for (var i = 0; i < extra; i++) entries.Add(new Entry(1, 3 + i, EntryType.Normal, []));
        return new MemoryRaftLogStorage(new HardState(1, RaftNode.None, 2), entries);
    }

    /// <summary>Replica 1 as leader of term 2 over a bootstrapped log, elected by 2 and 3 under their recorded incarnations.</summary>
    private static Replica BootstrappedLeader()
    {
        var r = new Replica(Config(1), Bootstrapped());
        TickUntilCampaign(r);
        r.Step(From(VoteResponse(2, 1, r.Node.Term), 22));
        Assert.Equal(StateRole.Leader, r.Node.Role);
        r.Drain();
        return r;
    }

    [Fact]
    public void Every_message_carries_the_senders_incarnation()
    {
        var r = new Replica(Config(1));
        TickUntilCampaign(r);
        var sent = r.Drain();
        Assert.NotEmpty(sent);
        Assert.All(sent, m => Assert.Equal(11, m.FromIncarnation));
    }

    [Fact]
    public void A_vote_from_another_incarnation_of_a_recorded_voter_does_not_count()
    {
        var r = new Replica(Config(1), Bootstrapped());
        TickUntilCampaign(r);
        Assert.Equal(StateRole.Candidate, r.Node.Role);

        r.Step(From(VoteResponse(2, 1, r.Node.Term), 99)); // voter 2 restarted on a blank disk
        Assert.Equal(StateRole.Candidate, r.Node.Role);
        Assert.Equal(1, r.Node.MessagesFromOtherIncarnations);

        r.Step(From(VoteResponse(2, 1, r.Node.Term), 22));
        Assert.Equal(StateRole.Leader, r.Node.Role);
    }

    [Fact]
    public void An_append_ack_from_another_incarnation_does_not_commit()
    {
        var r = BootstrappedLeader();
        var noop = r.Node.Status().LastIndex;

        r.Step(From(AppendResponse(3, 1, r.Node.Term, noop), 77));
        r.Drain();
        Assert.Equal(2, r.Node.Status().Commit);

        r.Step(From(AppendResponse(3, 1, r.Node.Term, noop), 33));
        r.Drain();
        Assert.Equal(noop, r.Node.Status().Commit);
    }

    [Fact]
    public void A_heartbeat_response_from_another_incarnation_does_not_confirm_a_read()
    {
        var r = BootstrappedLeader();
        r.Step(From(AppendResponse(2, 1, r.Node.Term, r.Node.Status().LastIndex), 22));
        r.Drain();
        Assert.True(r.Node.ReadIndex(42));
        r.Drain();

        r.Step(From(HeartbeatResponse(3, 1, r.Node.Term, 42), 77));
        r.Drain();
        Assert.Empty(r.ReadStates);

        r.Step(From(HeartbeatResponse(3, 1, r.Node.Term, 42), 33));
        r.Drain();
        Assert.Equal([new ReadState(r.Node.Status().Commit, 42)], r.ReadStates);
    }

    [Fact]
    public void A_voter_not_yet_recorded_is_heard_under_any_incarnation()
    {
        // No configuration yet: nothing to compare with (a first start cannot be told from a blank disk).
        var r = new Replica(Config(1));
        TickUntilCampaign(r);
        r.Step(From(VoteResponse(2, 1, r.Node.Term), 12345));
        Assert.Equal(StateRole.Leader, r.Node.Role);
        Assert.Equal(0, r.Node.MessagesFromOtherIncarnations);
    }

    [Fact]
    public void The_first_configuration_is_written_once_every_voter_was_heard_and_commits_only_unanimously()
    {
        var r = new Replica(Config(1));
        TickUntilCampaign(r);
        r.Step(From(VoteResponse(2, 1, r.Node.Term), 22));
        Assert.Equal(StateRole.Leader, r.Node.Role);
        r.Drain();
        // Voter 3 has not been heard: only the no-op is in the log, and nothing may be proposed.
        Assert.Equal([(1L, r.Node.Term)], r.LogTerms());
        Assert.Equal(ProposeOutcome.ConfigurationPending, r.Node.Propose([1]).Outcome);

        r.Step(From(HeartbeatResponse(3, 1, r.Node.Term), 33));
        r.Drain();
        var config = Assert.Single(r.Storage.AllEntries(), e => e.Type == EntryType.Config);
        Assert.Equal(2, config.Index);
        var (ids, recorded) = ConfigurationCodec.Decode(config.Data);
        Assert.Equal([1, 2, 3], ids);
        Assert.Equal(Incarnations, recorded);

        // A majority (leader + 2) holds it: not enough before the first configuration is committed.
        r.Step(From(AppendResponse(2, 1, r.Node.Term, 2), 22));
        r.Drain();
        Assert.Equal(0, r.Node.Status().Commit);
        Assert.False(r.Node.ConfigurationCommitted);
        Assert.Equal(ProposeOutcome.ConfigurationPending, r.Node.Propose([1]).Outcome);

        r.Step(From(AppendResponse(3, 1, r.Node.Term, 2), 33));
        r.Drain();
        Assert.Equal(2, r.Node.Status().Commit);
        Assert.True(r.Node.ConfigurationCommitted);
        Assert.Equal(new Dictionary<int, long> { [1] = 11, [2] = 22, [3] = 33 }, r.Node.Incarnations);

        // From now on a majority commits.
        var write = r.Node.Propose([1]);
        Assert.Equal(ProposeOutcome.Accepted, write.Outcome);
        r.Drain();
        r.Step(From(AppendResponse(2, 1, r.Node.Term, write.Index), 22));
        r.Drain();
        Assert.Equal(write.Index, r.Node.Status().Commit);
    }

    [Fact]
    public void Upgraded_data_without_a_configuration_commits_one_and_then_takes_writes()
    {
        // Rows written before incarnations existed: three committed commands, no configuration entry.
        var old = new MemoryRaftLogStorage(new HardState(1, RaftNode.None, 3), Log(1, 1, 1));
        var r = new Replica(Config(1), old);
        Assert.False(r.Node.ConfigurationCommitted);
        TickUntilCampaign(r);
        r.Step(From(VoteResponse(2, 1, r.Node.Term), 22), From(VoteResponse(3, 1, r.Node.Term), 33));
        Assert.Equal(StateRole.Leader, r.Node.Role);
        r.Drain();
        Assert.Equal([EntryType.Normal, EntryType.Normal, EntryType.Normal, EntryType.Noop, EntryType.Config],
            r.Storage.AllEntries().Select(e => e.Type));
        r.Step(From(AppendResponse(2, 1, r.Node.Term, 5), 22), From(AppendResponse(3, 1, r.Node.Term, 5), 33));
        r.Drain();
        Assert.Equal(5, r.Node.Status().Commit);
        Assert.Equal(ProposeOutcome.Accepted, r.Node.Propose([7]).Outcome);
    }

    [Fact]
    public void A_vote_request_from_another_incarnation_of_a_recorded_voter_gets_no_vote()
    {
        // Its vote for itself may repeat one it gave before its disk was lost: it must not win an election.
        var r = new Replica(Config(2), Bootstrapped());
        r.Step(From(Vote(3, 2, 2, 5, 1), 99));
        Assert.Empty(r.Drain());
        Assert.Equal(1, r.Node.MessagesFromOtherIncarnations);

        r.Step(From(Vote(3, 2, 2, 5, 1), 33));
        Assert.Contains(r.Drain(), m => m.Type == MessageType.VoteResponse && !m.Reject);
    }

    [Fact]
    public void A_follower_takes_the_appends_of_a_leader_its_older_configuration_records_under_a_lost_incarnation()
    {
        // Found by the nemesis (campaign seed 5003): replica 1 was replaced (new incarnation 44) and leads; replica 2,
        // refilled from index 1, has only reached the founding configuration, which records 1 as incarnation 11.
        // Dropping 1's appends would leave 2 stuck before the configuration that records 44.
        var r = new Replica(Config(2), Bootstrapped());
        r.Step(From(Append(1, 2, 3, 2, 1, 3, new Entry(3, 3, EntryType.Noop, [])), 44));
        var sent = r.Drain();
        Assert.Equal(3, r.Node.Status().LastIndex);
        Assert.Equal(3, r.Node.Status().Commit);
        Assert.Contains(sent, m => m.Type == MessageType.AppendResponse && !m.Reject && m.Index == 3);
        Assert.Equal(0, r.Node.MessagesFromOtherIncarnations);
        Assert.Equal(1, r.Node.Status().Leader);

        // Its answers are still counted only by a leader that recognises 2's incarnation; its own votes still need
        // the recorded incarnation of whoever asks.
        r.Step(From(Vote(3, 2, 4, 3, 3), 99));
        Assert.DoesNotContain(r.Drain(), m => m.Type == MessageType.VoteResponse);
    }

    [Fact]
    public void A_follower_adopts_the_configuration_from_the_leaders_log_and_drops_it_when_truncated()
    {
        var r = new Replica(Config(2));
        var config = new Entry(1, 2, EntryType.Config, ConfigurationCodec.Encode([1, 2, 3], Incarnations));
        r.Step(From(Append(1, 2, 1, 0, 0, 0, new Entry(1, 1, EntryType.Noop, []), config), 11));
        r.Drain();
        Assert.Equal(33, r.Node.Incarnations![3]);
        Assert.False(r.Node.ConfigurationCommitted);

        // A later leader (term 2) overwrites the uncommitted configuration with its own no-op: none governs.
        r.Step(From(Append(3, 2, 2, 1, 1, 0, new Entry(2, 2, EntryType.Noop, [])), 33));
        r.Drain();
        Assert.Null(r.Node.Incarnations);
    }

    [Fact]
    public void Snapshot_metadata_carries_the_configuration_and_a_restart_from_it_keeps_the_filter()
    {
        var r = new Replica(Config(1), Bootstrapped(extra: 3));
        var metadata = r.Node.SnapshotMetadataAt(4);
        var recorded = GroupConfiguration.OfVoters([1, 2, 3], Incarnations);
        Assert.Equal(new SnapshotMetadata(4, 1, [1, 2, 3]) { Incarnations = Incarnations, Configuration = recorded }, metadata);

        // Compacted past the configuration entry: only the snapshot metadata still knows it.
        var compacted = new MemoryRaftLogStorage(new HardState(1, RaftNode.None, 5), metadata, [new Entry(1, 5, EntryType.Normal, [])]);
        var restarted = new RaftNode(Config(1), compacted, new Random(1), appliedIndex: 4, snapshot: metadata);
        Assert.True(restarted.ConfigurationCommitted);
        Assert.Equal(new Dictionary<int, long> { [1] = 11, [2] = 22, [3] = 33 }, restarted.Incarnations);
        Assert.Equal(new SnapshotMetadata(5, 1, [1, 2, 3]) { Incarnations = Incarnations, Configuration = recorded }, restarted.SnapshotMetadataAt(5));

        for (var i = 0; i < 40 && restarted.Role == StateRole.Follower; i++) restarted.Tick();
        restarted.Step(From(VoteResponse(3, 1, restarted.Term), 99));
        Assert.Equal(StateRole.Candidate, restarted.Role);
        Assert.Equal(1, restarted.MessagesFromOtherIncarnations);
    }

    [Fact]
    public void An_installed_snapshot_brings_the_configuration()
    {
        var r = new Replica(Config(2));
        r.Step(new Message
        {
            Type = MessageType.Snapshot, From = 1, To = 2, Term = 1, Index = 5, LogTerm = 1, Offset = 0, Data = new byte[] { 1, 2, 3 },
            Done = true, TotalBytes = 3, Voters = [1, 2, 3], Incarnations = Incarnations, FromIncarnation = 11,
        });
        r.Drain();
        Assert.Equal(Incarnations, Assert.Single(r.Installed).Metadata.Incarnations);
        Assert.True(r.Node.ConfigurationCommitted);
        Assert.Equal(22, r.Node.Incarnations![2]);
        Assert.False(r.Node.IsExcluded);
    }

    [Fact]
    public void A_replica_whose_recorded_incarnation_is_another_knows_it_is_excluded()
    {
        var r = new Replica(Config(2) with { Incarnation = 5555 }, Bootstrapped());
        Assert.True(r.Node.IsExcluded);
    }

    [Fact]
    public void Storage_keeps_its_incarnation_and_blank_storage_gets_a_new_nonzero_one()
    {
        Assert.Equal(42, StorageIncarnation.Resolve(42, new Random(1), out var persistKept));
        Assert.False(persistKept);
        var random = new Random(7);
        var first = StorageIncarnation.Resolve(0, random, out var persistNew);
        var second = StorageIncarnation.Resolve(0, random, out _);
        Assert.True(persistNew);
        Assert.NotEqual(0, first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void The_configuration_codec_round_trips_and_rejects_garbage()
    {
        var bytes = ConfigurationCodec.Encode([1, 2, 5], [-3, long.MaxValue, 9]);
        var (ids, incarnations) = ConfigurationCodec.Decode(bytes);
        Assert.Equal([1, 2, 5], ids);
        Assert.Equal([-3, long.MaxValue, 9], incarnations);
        Assert.Throws<InvalidDataException>(() => ConfigurationCodec.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => ConfigurationCodec.Decode(new byte[] { 1 }));
    }
}
