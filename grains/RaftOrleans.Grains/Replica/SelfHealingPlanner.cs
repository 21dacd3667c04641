using RaftOrleans.Consensus;

namespace RaftOrleans.Grains.Replica;

/// <summary>
/// Self-healing placement (issue #13 item 5), decided by the leader: when a member's silo has been down for the
/// grace period, the next membership change that replaces it: add a learner on a live spare silo, promote a learner,
/// or remove the dead member. One change at a time, each through the ordinary membership path, so every step has
/// the safety of a change made by hand; the planner only chooses. Pure: liveness and time come in as arguments,
/// so the rules are unit-tested without a cluster.
/// </summary>
/// <remarks>
/// The rules, evaluated afresh on each call so a new leader carries on where an old one stopped:
/// <list type="number">
/// <item>A learner down for the grace period is removed (it counts toward nothing, and it would be promoted next).</item>
/// <item>With a voter down for the grace period and an even number of voters (a replacement was just promoted, or
/// the group was even to begin with), the dead voter is removed: the group goes back to an odd size and keeps every
/// live voter. Never below <see cref="MinimumVoters"/>, and only while the live voters stay a majority.</item>
/// <item>With a dead voter and an odd number of voters, a live learner is promoted (the core refuses while it is
/// behind; the caller asks again), or else a learner is added on the lowest-numbered live spare silo.</item>
/// </list>
/// So three voters with one dead become four (the new one promoted once caught up) and then three again: the group
/// is never smaller than it was, and the dead member is the last thing to go.
/// </remarks>
internal sealed class SelfHealingPlanner(TimeSpan gracePeriod, int minimumVoters)
{
    private readonly Dictionary<int, DateTimeOffset> _downSince = [];

    /// <summary>Voters never removed below this many (the group's initial size, at most 3).</summary>
    public int MinimumVoters { get; } = minimumVoters;

    /// <summary>How long a member's silo must be down before it is replaced.</summary>
    public TimeSpan GracePeriod { get; } = gracePeriod;

    /// <summary>Members seen down, with since when (for status and logs).</summary>
    public IReadOnlyDictionary<int, DateTimeOffset> DownSince => _downSince;

    /// <summary>Forgets every countdown: a replica that stops leading, or starts, counts from its own observations.</summary>
    public void Reset() => _downSince.Clear();

    /// <summary>
    /// The next change for <paramref name="configuration"/> (committed, governed by leader <paramref name="self"/>),
    /// or null when nothing needs doing or nothing can be done.
    /// </summary>
    /// <param name="configuration">The committed configuration.</param>
    /// <param name="self">The leader's own id (it is up by definition).</param>
    /// <param name="isUp">Whether a member's silo is active now.</param>
    /// <param name="liveSpares">Ids of the live silos that host no member (spares), with their silo names.</param>
    /// <param name="now">The current time.</param>
    public ConfigurationChange? Next(GroupConfiguration configuration, int self, Func<int, bool> isUp, IReadOnlyDictionary<int, string> liveSpares, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Observe(configuration, self, isUp, now);
        bool Dead(int id) => _downSince.TryGetValue(id, out var since) && now - since >= GracePeriod;

        if (configuration.Learners.FirstOrDefault(Dead) is var deadLearner and > 0)
            return new ConfigurationChange(ConfigurationChangeType.Remove, deadLearner);

        var voters = configuration.Voters;
        var deadVoter = voters.FirstOrDefault(Dead);
        if (deadVoter == 0) return null;

        if (voters.Count % 2 == 0)
        {
            var remaining = voters.Count - 1;
            var liveAfter = voters.Count(v => v != deadVoter && !_downSince.ContainsKey(v));
            if (remaining < MinimumVoters || liveAfter < remaining / 2 + 1) return null;
            return new ConfigurationChange(ConfigurationChangeType.Remove, deadVoter);
        }

        var learner = configuration.Learners.FirstOrDefault(id => !_downSince.ContainsKey(id));
        if (learner > 0) return new ConfigurationChange(ConfigurationChangeType.PromoteLearner, learner);
        if (liveSpares.Count == 0) return null;
        var spare = liveSpares.Keys.Min();
        return new ConfigurationChange(ConfigurationChangeType.AddLearner, spare, liveSpares[spare]);
    }

    private void Observe(GroupConfiguration configuration, int self, Func<int, bool> isUp, DateTimeOffset now)
    {
        foreach (var id in _downSince.Keys.Where(id => !configuration.IsMember(id)).ToArray()) _downSince.Remove(id);
        foreach (var member in configuration.Members)
        {
            if (member.Id == self || isUp(member.Id)) _downSince.Remove(member.Id);
            else _downSince.TryAdd(member.Id, now);
        }
    }
}
