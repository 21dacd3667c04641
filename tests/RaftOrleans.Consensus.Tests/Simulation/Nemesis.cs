namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>What the nemesis needs from the simulation.</summary>
internal interface INemesisHost
{
    long Now { get; }
    Random Random { get; }
    SimulationOptions Options { get; }
    SimulationTrace Trace { get; }
    SimulatedNetwork Network { get; }
    IReadOnlyList<SimulatedReplica> Replicas { get; }
    void Schedule(long delay, SimEvent e);
}

/// <summary>
/// The adversary of the faulty phase: every few ticks it may start a partition (isolate the leader,
/// put the leader in a minority, split at random, or block one direction), crash a replica (the
/// leader preferred) and schedule its restart, pause a replica, or ask the leader to transfer leadership.
/// </summary>
internal sealed class Nemesis(INemesisHost host)
{
    private long _partitionEpoch;

    /// <summary>Partitions started.</summary>
    public int Partitions { get; private set; }

    /// <summary>Crashes caused.</summary>
    public int Crashes { get; private set; }

    /// <summary>Disks wiped.</summary>
    public int Wipes { get; private set; }

    /// <summary>Pauses caused.</summary>
    public int Pauses { get; private set; }

    /// <summary>Membership changes the leader accepted.</summary>
    public int MembershipChanges { get; private set; }

    /// <summary>One round of decisions.</summary>
    public void Round()
    {
        SimulationOptions options = host.Options;
        Random random = host.Random;
        if (!host.Network.IsPartitioned && random.NextDouble() < options.PartitionProbability) StartPartition();
        if (random.NextDouble() < options.CrashProbability) CrashOne();
        if (random.NextDouble() < options.PauseProbability) PauseOne();
        if (options.WipeProbability > 0 && random.NextDouble() < options.WipeProbability) WipeOne();
        if (random.NextDouble() < options.TransferProbability && CurrentLeader() is SimulatedReplica leader)
        {
            int target = random.Next(1, options.Replicas);
            if (target >= leader.Id) target++;
            leader.TransferLeadership(target, host.Now);
        }
        if (options.MembershipChangeProbability > 0 && random.NextDouble() < options.MembershipChangeProbability) ChangeMembership();
    }

    /// <summary>
    /// Asks the leader for one random membership change: add a replica outside its configuration as a learner,
    /// promote a learner, or remove a member (a voter only while more than <see cref="SimulationOptions.MinVoters"/>
    /// remain). A replica whose disk was wiped is excluded until it is removed and added again, so removals prefer
    /// it. Refusals (a change in flight, a learner behind) are part of the test: they are traced and counted as nothing.
    /// </summary>
    private void ChangeMembership()
    {
        if (CurrentLeader() is not SimulatedReplica leader) return;
        Random random = host.Random;
        GroupConfiguration configuration = leader.Node!.Configuration;
        List<ConfigurationChange> choices = [];
        foreach (SimulatedReplica r in host.Replicas)
        {
            GroupMember? member = configuration.Find(r.Id);
            if (member is null) choices.Add(new ConfigurationChange(ConfigurationChangeType.AddLearner, r.Id, $"sim{r.Id}"));
            else if (!member.IsVoter) choices.Add(new ConfigurationChange(ConfigurationChangeType.PromoteLearner, r.Id));
            if (member is not null && (!member.IsVoter || configuration.Voters.Count > host.Options.MinVoters))
            {
                choices.Add(new ConfigurationChange(ConfigurationChangeType.Remove, r.Id));
                if (r.Wipes > 0 && member.IsVoter) choices.Add(new ConfigurationChange(ConfigurationChangeType.Remove, r.Id));
            }
        }
        if (choices.Count == 0) return;
        if (leader.ChangeMembership(choices[random.Next(choices.Count)], host.Now)) MembershipChanges++;
    }

    /// <summary>Ends the partition of <paramref name="epoch"/> unless a newer one replaced it.</summary>
    public void Heal(long epoch)
    {
        if (epoch != _partitionEpoch || !host.Network.IsPartitioned) return;
        HealNow();
    }

    /// <summary>Ends any partition now.</summary>
    public void HealNow()
    {
        if (!host.Network.IsPartitioned) return;
        host.Network.Heal();
        _partitionEpoch++;
        host.Trace.Add(host.Now, "nemesis: heal partition");
    }

    private void StartPartition()
    {
        SimulationOptions options = host.Options;
        Random random = host.Random;
        int n = options.Replicas;
        double total = options.IsolateLeaderWeight + options.LeaderMinorityWeight + options.RandomSplitWeight + options.OneWayWeight;
        if (total <= 0) return;
        double draw = random.NextDouble() * total;
        int leader = CurrentLeader()?.Id ?? random.Next(1, n + 1);
        string mode;
        if ((draw -= options.IsolateLeaderWeight) < 0)
        {
            host.Network.Split([leader], n);
            mode = $"isolate leader r{leader}";
        }
        else if ((draw -= options.LeaderMinorityWeight) < 0)
        {
            List<int> side = [leader, .. Shuffled(random, n).Where(id => id != leader).Take(random.Next(0, (n - 1) / 2))];
            host.Network.Split(side, n);
            mode = $"leader r{leader} in minority {{{string.Join(",", side.Order())}}}";
        }
        else if ((draw -= options.RandomSplitWeight) < 0)
        {
            List<int> side = Shuffled(random, n).Take(random.Next(1, (n - 1) / 2 + 1)).ToList();
            host.Network.Split(side, n);
            mode = $"split minority {{{string.Join(",", side.Order())}}}";
        }
        else
        {
            // One-way: a replica that can send but not receive (or receive but not send) keeps
            // disrupting or being disrupted, the classic trap for term handling.
            int victim = random.Next(2) == 0 ? leader : random.Next(1, n + 1);
            bool deaf = random.Next(2) == 0;
            for (int other = 1; other <= n; other++)
            {
                if (other == victim) continue;
                if (deaf) host.Network.Block(other, victim);
                else host.Network.Block(victim, other);
            }
            mode = $"one-way: r{victim} {(deaf ? "cannot receive" : "cannot send")}";
        }
        Partitions++;
        long epoch = ++_partitionEpoch;
        long duration = random.Next(options.PartitionMinTicks, options.PartitionMaxTicks + 1) * (long)Simulation.UnitsPerTick;
        host.Trace.Add(host.Now, $"nemesis: partition ({mode}) blocking {host.Network.Describe()} for {duration / Simulation.UnitsPerTick} ticks");
        host.Schedule(duration, new HealPartition(epoch));
    }

    private void CrashOne()
    {
        SimulationOptions options = host.Options;
        Random random = host.Random;
        List<SimulatedReplica> up = host.Replicas.Where(r => r.IsUp).ToList();
        if (host.Replicas.Count - up.Count >= options.MaxCrashed || up.Count == 0) return;
        SimulatedReplica victim = random.NextDouble() < options.CrashLeaderBias && CurrentLeader() is SimulatedReplica leader
            ? leader
            : up[random.Next(up.Count)];
        if (random.NextDouble() < options.TornCrashShare) victim.ArmTornCrash(host.Now);
        else victim.Crash(host.Now);
        Crashes++;
        long downtime = random.Next(options.RestartMinTicks, options.RestartMaxTicks + 1) * (long)Simulation.UnitsPerTick;
        host.Schedule(downtime, new RestartReplica(victim.Id));
    }

    /// <summary>
    /// Replaces one replica's disk: it crashes and restarts blank under its old id. Only once a configuration is
    /// committed (before that a wipe is indistinguishable from a first start, see RaftNode.Incarnations.cs),
    /// at most <see cref="SimulationOptions.MaxWipes"/> times, and never while another wiped replica is still blank,
    /// since each wiped replica stays excluded until removed and re-added.
    /// </summary>
    private void WipeOne()
    {
        SimulationOptions options = host.Options;
        Random random = host.Random;
        if (Wipes >= options.MaxWipes || !host.Replicas.Any(r => r.Node is { ConfigurationCommitted: true })) return;
        // Two blank replicas at once could be a majority of the initial voters, and nothing can tell a blank replica
        // from a founding one (RaftNode.Incarnations.cs): that is the loss of a majority of disks, outside the fault
        // model. So a second disk is replaced only once the first wiped replica holds the group's history again
        // (removed and added back, then caught up).
        if (host.Replicas.Any(r => r.Wipes > 0 && !(r.Node is { ConfigurationIndex: > 0 }))) return;
        List<SimulatedReplica> candidates = host.Replicas.Where(r => r.Wipes == 0).ToList();
        if (candidates.Count == 0) return;
        SimulatedReplica victim = candidates[random.Next(candidates.Count)];
        victim.CrashAndWipe(host.Now);
        Wipes++;
        long downtime = random.Next(options.RestartMinTicks, options.RestartMaxTicks + 1) * (long)Simulation.UnitsPerTick;
        host.Schedule(downtime, new RestartReplica(victim.Id));
    }

    private void PauseOne()
    {
        SimulationOptions options = host.Options;
        Random random = host.Random;
        List<SimulatedReplica> running = host.Replicas.Where(r => r.IsUp && !r.IsPausedAt(host.Now)).ToList();
        if (running.Count == 0) return;
        SimulatedReplica victim = random.NextDouble() < options.CrashLeaderBias && CurrentLeader() is SimulatedReplica leader && !leader.IsPausedAt(host.Now)
            ? leader
            : running[random.Next(running.Count)];
        long duration = random.Next(options.PauseMinTicks, options.PauseMaxTicks + 1) * (long)Simulation.UnitsPerTick;
        victim.Pause(host.Now + duration, host.Now);
        Pauses++;
    }

    /// <summary>The live leader with the highest term, if any.</summary>
    private SimulatedReplica? CurrentLeader() =>
        host.Replicas.Where(r => r.Node is { Role: StateRole.Leader }).OrderByDescending(r => r.Node!.Term).FirstOrDefault();

    private static IEnumerable<int> Shuffled(Random random, int n)
    {
        int[] ids = Enumerable.Range(1, n).ToArray();
        random.Shuffle(ids);
        return ids;
    }
}
