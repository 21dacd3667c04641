using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RaftOrleans.Grains.Hosting;
using RaftOrleans.Grains.Replica;
using RaftOrleans.Grains.Topology;
using Xunit;

namespace RaftOrleans.Grains.Tests.Topology;

/// <summary>
/// The configured topology: the one place that says which replicas a group has, where each lives and
/// who votes, so placement, addressing, the gateway and the silo host all agree.
/// </summary>
public sealed class ReplicaTopologyTests
{
    private static readonly ConfiguredReplicaTopology Default = new(new RaftKeyValueOptions());

    [Fact]
    public void By_default_the_group_has_three_voting_replicas_on_silo1_to_silo3()
    {
        Assert.Equal(["default"], Default.Groups);
        Assert.Equal(
            [new ReplicaMember(1, "silo1", true), new ReplicaMember(2, "silo2", true), new ReplicaMember(3, "silo3", true)],
            Default.Members("default"));
        Assert.Equal([1, 2, 3], Default.VoterIds("default"));
        Assert.Equal(["silo1", "silo2", "silo3"], Default.Silos);
    }

    [Fact]
    public void A_replica_lives_on_the_silo_named_for_its_index_in_every_group()
    {
        var topology = new ConfiguredReplicaTopology(new RaftKeyValueOptions { Groups = ["default", "orders"] });

        Assert.Equal("silo2", topology.SiloOf(new ReplicaKey("default", 2)));
        Assert.Equal("silo2", topology.SiloOf(new ReplicaKey("orders", 2)));
        Assert.Equal("silo3", topology.SiloOf(new ReplicaKey("orders", 3)));
    }

    [Fact]
    public void A_silo_hosts_its_replica_of_each_group_in_group_order()
    {
        var topology = new ConfiguredReplicaTopology(new RaftKeyValueOptions { Groups = ["orders", "default"] });

        Assert.Equal([new ReplicaKey("orders", 1), new ReplicaKey("default", 1)], topology.ReplicasOn("silo1"));
        Assert.Equal([new ReplicaKey("orders", 3), new ReplicaKey("default", 3)], topology.ReplicasOn("silo3"));
    }

    [Theory]
    [InlineData("silo4")]   // one past the replica count
    [InlineData("silo0")]   // replica ids start at 1
    [InlineData("Silo1")]   // names compare ordinally, as Orleans' silo names do
    [InlineData("node1")]   // another prefix
    [InlineData("")]
    public void A_silo_not_named_for_a_replica_hosts_none(string silo)
    {
        Assert.Empty(Default.ReplicasOn(silo));
        Assert.DoesNotContain(silo, Default.Silos);
    }

    [Fact]
    public void An_unknown_group_has_no_members_voters_or_replicas()
    {
        Assert.False(Default.HasGroup("orders"));
        Assert.True(Default.HasGroup("default"));
        Assert.Empty(Default.Members("orders"));
        Assert.Empty(Default.VoterIds("orders"));
        Assert.False(Default.Contains(new ReplicaKey("orders", 1)));
    }

    [Theory]
    [InlineData("default", 0)]
    [InlineData("default", -1)]
    [InlineData("orders", 1)]
    [InlineData("Default", 1)]
    public void A_replica_outside_the_topology_is_not_contained_and_has_no_silo(string group, int index)
    {
        var replica = new ReplicaKey(group, index);

        Assert.False(Default.Contains(replica));
        var error = Assert.Throws<ArgumentException>(() => Default.SiloOf(replica));
        // The error says what is configured, as the replica activation's "not configured" error does.
        Assert.StartsWith($"Replica '{group}/{index}' is not configured: groups are [default] with replicas [1, 2, 3] each.", error.Message);
    }

    [Fact]
    public void A_replica_beyond_the_initial_voters_lives_on_its_spare_silo_but_is_not_a_member()
    {
        Assert.True(Default.Contains(new ReplicaKey("default", 4)));
        Assert.Equal("silo4", Default.SiloOf(new ReplicaKey("default", 4)));
        Assert.DoesNotContain(Default.Members("default"), m => m.ReplicaId == 4);
        Assert.Equal([1, 2, 3], Default.InitialVoterIds("default"));
    }

    [Theory]
    [InlineData("silo4", 4)]
    [InlineData("silo12", 12)]
    [InlineData("silo1", 1)]
    [InlineData("silo0", null)]
    [InlineData("silo04", null)]
    [InlineData("silo-4", null)]
    [InlineData("silo", null)]
    [InlineData("node4", null)]
    [InlineData("silo99999999999", null)]
    public void A_silo_name_gives_the_replica_id_it_hosts_only_when_it_follows_the_rule(string silo, int? replica)
        => Assert.Equal(replica, Default.ReplicaIdOf(silo));

    [Fact]
    public void The_committed_topology_answers_members_from_the_newest_configuration_it_saw()
    {
        var topology = new CommittedReplicaTopology(Default);
        Assert.Equal([1, 2, 3], topology.VoterIds("default"));

        topology.Observe("default", 40, [new(2, "silo2", true), new(3, "silo3", true), new(4, "silo4", true), new(5, "silo5", false)]);
        Assert.Equal([2, 3, 4], topology.VoterIds("default"));
        Assert.Equal([2, 3, 4, 5], topology.Members("default").Select(m => m.ReplicaId));
        Assert.Equal(40, topology.ConfigurationIndex("default"));
        Assert.Equal([new ReplicaKey("default", 5)], topology.ReplicasOn("silo5"));
        Assert.Equal([1, 2, 3], topology.InitialVoterIds("default"));

        topology.Observe("default", 12, [new(1, "silo1", true)]); // an older report loses
        Assert.Equal([2, 3, 4], topology.VoterIds("default"));
        topology.Observe("orders", 50, [new(1, "silo1", true)]);  // not a served group
        Assert.Equal(0, topology.ConfigurationIndex("orders"));
    }

    [Fact]
    public void Every_replica_of_the_default_group_is_contained()
    {
        Assert.All([1, 2, 3], i => Assert.True(Default.Contains(new ReplicaKey("default", i))));
    }

    [Fact]
    public void A_custom_prefix_and_five_replicas_name_five_silos()
    {
        var topology = new ConfiguredReplicaTopology(new RaftKeyValueOptions { SiloNamePrefix = "raft-", ReplicaCount = 5, Groups = ["a", "b"] });

        Assert.Equal(["raft-1", "raft-2", "raft-3", "raft-4", "raft-5"], topology.Silos);
        Assert.Equal([1, 2, 3, 4, 5], topology.VoterIds("b"));
        Assert.Equal("raft-5", topology.SiloOf(new ReplicaKey("a", 5)));
        Assert.Equal([new ReplicaKey("a", 4), new ReplicaKey("b", 4)], topology.ReplicasOn("raft-4"));
        Assert.Empty(topology.ReplicasOn("silo1"));
        Assert.Equal("raft-6", topology.SiloOf(new ReplicaKey("a", 6)));
        Assert.Equal(6, topology.ReplicaIdOf("raft-6"));
        Assert.All(topology.Members("a"), m => Assert.True(m.IsVoter));
    }

    [Fact]
    public void Options_the_validator_rejects_give_an_empty_topology_instead_of_an_exception()
    {
        // The topology can be built before the validator runs; throwing would hide the validator's message.
        var none = new ConfiguredReplicaTopology(new RaftKeyValueOptions { ReplicaCount = 0, Groups = ["a", "a"] });

        Assert.Equal(["a"], none.Groups);
        Assert.Empty(none.Members("a"));
        Assert.Empty(none.Silos);
        Assert.False(none.Contains(new ReplicaKey("a", 1)));
    }

    [Fact]
    public void Groups_that_differ_are_described_one_by_one()
    {
        var topology = new FakeTopology();

        Assert.Equal("groups are [a, b]: a with replicas [1, 2, 3], b with replicas [2]", topology.Describe());
        Assert.Equal("groups are []", new ConfiguredReplicaTopology(new RaftKeyValueOptions { Groups = [] }).Describe());
    }

    [Fact]
    public void The_hosting_extension_registers_one_committed_topology_over_the_silo_options()
    {
        var services = new ServiceCollection();
        services.AddOrleans(silo => silo.AddRaftKeyValue(o => (o.ReplicaCount, o.SiloNamePrefix) = (5, "node")));
        using var provider = services.BuildServiceProvider();

        var topology = provider.GetRequiredService<IReplicaTopology>();

        Assert.IsType<CommittedReplicaTopology>(topology);
        Assert.Same(topology, provider.GetRequiredService<IReplicaTopology>());
        Assert.Equal("node5", topology.SiloOf(new ReplicaKey("default", 5)));
    }

    /// <summary>Two groups with different members, as a committed configuration may have them.</summary>
    private sealed class FakeTopology : IReplicaTopology
    {
        public IReadOnlyList<string> Groups => ["a", "b"];
        public IReadOnlyList<string> Silos => ["s1", "s2", "s3"];
        public bool HasGroup(string group) => Groups.Contains(group);
        public bool Contains(ReplicaKey replica) => Members(replica.Group).Any(m => m.ReplicaId == replica.Index);
        public IReadOnlyList<ReplicaMember> Members(string group) => group switch
        {
            "a" => [new(1, "s1", true), new(2, "s2", true), new(3, "s3", false)],
            "b" => [new(2, "s2", true)],
            _ => [],
        };
        public IReadOnlyList<int> VoterIds(string group) => [.. Members(group).Where(m => m.IsVoter).Select(m => m.ReplicaId)];
        public string SiloOf(ReplicaKey replica) => Members(replica.Group).Single(m => m.ReplicaId == replica.Index).Silo;
        public IReadOnlyList<ReplicaKey> ReplicasOn(string silo) => [];
        public IReadOnlyList<int> InitialVoterIds(string group) => VoterIds(group);
        public int? ReplicaIdOf(string silo) => null;
    }
}
