namespace RaftOrleans.Grains;

/// <summary>
/// A typed handle on one Raft key-value group for application code. Thin: every call goes to the
/// group's <see cref="IKeyValueGrain"/> gateway, which handles leader routing and retries. Strings
/// holding a lone UTF-16 surrogate are rejected here, before Orleans' UTF-8 serialization would
/// silently replace it and turn the key into another one (see <see cref="WireText"/>).
/// </summary>
public sealed class RaftKeyValueStore
{
    private readonly IKeyValueGrain _gateway;

    /// <summary>Creates a store for <paramref name="group"/> using <paramref name="grainFactory"/>.</summary>
    public RaftKeyValueStore(IGrainFactory grainFactory, string group)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        ArgumentException.ThrowIfNullOrWhiteSpace(group);
        Group = group;
        _gateway = grainFactory.GetGrain<IKeyValueGrain>(group);
    }

    /// <summary>The group name.</summary>
    public string Group { get; }

    /// <summary>Sets a key.</summary>
    public Task<KvResponse> PutAsync(string key, string value)
        => Rejected(("key", key), ("value", value)) ?? _gateway.Put(key, value);

    /// <summary>Reads a key; linearizable unless <paramref name="stale"/>.</summary>
    public Task<KvResponse> GetAsync(string key, bool stale = false)
        => Rejected(("key", key)) ?? _gateway.Get(key, stale);

    /// <summary>Deletes a key.</summary>
    public Task<KvResponse> DeleteAsync(string key)
        => Rejected(("key", key)) ?? _gateway.Delete(key);

    /// <summary>Compare-and-swap.</summary>
    public Task<KvResponse> CompareAndSwapAsync(string key, CasCondition condition, string newValue)
        => Rejected(("key", key), ("value", newValue), ("expected value", condition?.ExpectedValue)) ?? _gateway.CompareAndSwap(key, condition!, newValue);

    /// <summary>Every replica's status.</summary>
    public Task<GroupStatus> StatusAsync() => _gateway.Status();

    private static Task<KvResponse>? Rejected(params ReadOnlySpan<(string What, string? Text)> parts)
        => WireText.RejectLoneSurrogates(parts) is { } bad ? Task.FromResult(bad) : null;
}

/// <summary>Extensions to reach a Raft key-value group from any Orleans client or grain.</summary>
public static class RaftKeyValueClientExtensions
{
    /// <summary>The default group name.</summary>
    public const string DefaultGroup = "default";

    /// <summary>Returns a typed store for <paramref name="group"/>.</summary>
    public static RaftKeyValueStore GetRaftKeyValueStore(this IGrainFactory grainFactory, string group = DefaultGroup)
        => new(grainFactory, group);
}
