namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>A grain state for the storage tests.</summary>
[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string Text { get; set; } = "";

    [Id(1)]
    public long Number { get; set; }

    [Id(2)]
    public byte[] Payload { get; set; } = [];
}
