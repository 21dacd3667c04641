using System.Text.Json;

namespace RaftOrleans.EndToEnd.Tests.Infrastructure;

/// <summary>One replica row of <c>raftkv status --json</c>.</summary>
public sealed record ReplicaView(int Replica, string Silo, string Role, long Term, long Commit, long Applied, int Leader, long LastIndex, string? Error)
{
    /// <summary>Reads the <c>replicas</c> array of a status result.</summary>
    public static IReadOnlyList<ReplicaView> ParseAll(JsonElement status)
        => [.. status.GetProperty("replicas").EnumerateArray().Select(r => new ReplicaView(
            r.GetProperty("replica").GetInt32(),
            r.GetProperty("silo").GetString() ?? "",
            r.GetProperty("role").GetString() ?? "",
            r.GetProperty("term").GetInt64(),
            r.GetProperty("commit").GetInt64(),
            r.GetProperty("applied").GetInt64(),
            r.GetProperty("leader").GetInt32(),
            r.GetProperty("lastIndex").GetInt64(),
            r.TryGetProperty("error", out JsonElement error) ? error.GetString() : null))];
}
