using RaftOrleans.Grains;

namespace RaftOrleans.Bench.Targets;

/// <summary>Turns the grain API's answers and exceptions into <see cref="OpResult"/>s.</summary>
internal static class KvResponseMapping
{
    /// <summary>Maps a <see cref="KvResponse"/>.</summary>
    public static OpResult ToResult(KvResponse response) => response.Status switch
    {
        KvStatusCode.Ok => new OpResult(OpOutcome.Ok, response.Value),
        KvStatusCode.NotFound => new OpResult(OpOutcome.NotFound),
        KvStatusCode.CasConflict => new OpResult(OpOutcome.Conflict, response.Value),
        _ => OpResult.Failed($"{response.Status}: {response.Message}"),
    };

    /// <summary>Awaits <paramref name="call"/>; an exception (timeout, dead gateway) becomes an error result.</summary>
    public static async Task<OpResult> Run(Task<KvResponse> call)
    {
        try
        {
            return ToResult(await call);
        }
        catch (Exception e)
        {
            return OpResult.Failed($"{e.GetType().Name}: {e.GetBaseException().Message}");
        }
    }
}
