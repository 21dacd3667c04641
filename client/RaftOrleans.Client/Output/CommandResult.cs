using RaftOrleans.Grains;

namespace RaftOrleans.Client.Output;

/// <summary>
/// The outcome of one request as the user sees it: a key-value response, or a group status for
/// <c>status</c>. Failures that never reached the cluster (bad syntax, no silo) are responses too.
/// </summary>
public sealed record CommandResult
{
    /// <summary>The request this answers (null for input that could not be parsed).</summary>
    public Execution.KvRequest? Request { get; init; }
    /// <summary>The key-value response.</summary>
    public required KvResponse Response { get; init; }
    /// <summary>The replicas' status, for a successful <c>status</c>.</summary>
    public GroupStatus? Group { get; init; }

    /// <summary>The process exit code for this result.</summary>
    public int ExitCode => ExitCodes.For(Response.Status);

    /// <summary>A result for input rejected before it reached the cluster.</summary>
    public static CommandResult BadInput(string message) => new() { Response = KvResponse.BadInput(message) };

    /// <summary>A result for a request that could not reach the cluster.</summary>
    public static CommandResult Unavailable(Execution.KvRequest? request, string message)
        => new() { Request = request, Response = KvResponse.Unavailable(message) };
}
