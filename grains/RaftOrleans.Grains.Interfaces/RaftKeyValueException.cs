namespace RaftOrleans.Grains;

/// <summary>A request the store refused or could not serve, where an exception is the only way to say so (a scan).</summary>
public sealed class RaftKeyValueException : Exception
{
    /// <summary>Wraps <paramref name="response"/>.</summary>
    public RaftKeyValueException(KvResponse response)
        : base($"{response.Status}: {response.Message ?? "no detail"}")
    {
        Response = response;
    }

    /// <summary>The store's answer.</summary>
    public KvResponse Response { get; }
}
