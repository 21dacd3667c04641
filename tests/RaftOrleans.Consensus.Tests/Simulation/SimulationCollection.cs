using Xunit;

namespace RaftOrleans.Consensus.Tests.Simulation;

/// <summary>Simulation sweeps use every core; running two at once would only slow both.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimulationCollection
{
    public const string Name = "Simulation";
}
