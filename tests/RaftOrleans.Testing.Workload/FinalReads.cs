using RaftOrleans.Grains;
using RaftOrleans.Testing.History;

namespace RaftOrleans.Testing.Workload;

/// <summary>The reads every nemesis run ends with: each key read back linearizably and recorded in the history.</summary>
public static class FinalReads
{
    /// <summary>Process ids of the final reads start here, apart from every workload client's.</summary>
    public const int FirstProcess = 1_000_000;

    /// <summary>Reads every key through <paramref name="store"/> (linearizable), recording each read in the
    /// history; retries a read that gets no answer, up to five times, then adds a failure. Returns each
    /// key's final value (null = absent).</summary>
    public static async Task<Dictionary<string, string?>> ReadAllAsync(
        Func<RaftKeyValueStore> store, HistoryRecorder recorder, IReadOnlyList<string> keys, TimeSpan clientDeadline, List<string> failures)
    {
        var finals = new Dictionary<string, string?>(StringComparer.Ordinal);
        var process = FirstProcess;
        foreach (var key in keys)
        {
            for (var attempt = 1; ; attempt++)
            {
                var handle = recorder.Invoke(process, HistoryOpKind.Get, key);
                KvResponse? response = null;
                try
                {
                    response = await store().GetAsync(key).WaitAsync(clientDeadline);
                }
                catch (Exception)
                {
                    // No answer: recorded indeterminate below, like any client's.
                }
                if (response?.Status is KvStatusCode.Ok or KvStatusCode.NotFound)
                {
                    var ok = response.Status == KvStatusCode.Ok;
                    recorder.Complete(handle, ok ? HistoryOutcome.Ok : HistoryOutcome.NotFound, ok ? response.Value : null);
                    finals[key] = ok ? response.Value : null;
                    break;
                }
                recorder.MarkIndeterminate(handle);
                process++;
                if (attempt == 5)
                {
                    failures.Add($"final read of {key} got no answer in {attempt} attempts (last: {response?.Status} {response?.Message})");
                    break;
                }
            }
        }
        return finals;
    }
}
