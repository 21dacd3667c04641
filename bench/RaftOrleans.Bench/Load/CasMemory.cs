using System.Collections.Concurrent;

namespace RaftOrleans.Bench.Load;

/// <summary>
/// The value each key was last seen to hold, shared by all clients of a compare-and-swap run: a
/// client expects that value, and learns the current one from a success (its own write) or from a
/// conflict (the target reports it). Races between clients show up as conflicts, as they should.
/// </summary>
public sealed class CasMemory(string initialValue)
{
    private readonly ConcurrentDictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <summary>The value <paramref name="key"/> is believed to hold.</summary>
    public string Expected(string key) => _values.TryGetValue(key, out var v) ? v : initialValue;

    /// <summary>Records that <paramref name="key"/> holds <paramref name="value"/>.</summary>
    public void Saw(string key, string? value)
    {
        if (value is not null) _values[key] = value;
    }
}
