using RaftOrleans.Grains;

namespace RaftOrleans.Client.Output;

/// <summary>The stable, machine-readable error names used in <c>--json</c> output and text error lines.</summary>
public static class ErrorNames
{
    /// <summary>The error name for a failed status, or null for <see cref="KvStatusCode.Ok"/>.</summary>
    public static string? For(KvStatusCode status) => status switch
    {
        KvStatusCode.Ok => null,
        KvStatusCode.NotFound => "not_found",
        KvStatusCode.CasConflict => "cas_conflict",
        KvStatusCode.BadInput => "bad_input",
        KvStatusCode.PermissionDenied => "permission_denied",
        _ => "unavailable",
    };
}
