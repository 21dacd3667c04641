using System.Globalization;

namespace RaftOrleans.Grains.Replica;

/// <summary>The identity of one replica: grain key <c>"{group}/{index}"</c>, index 1-based.</summary>
public readonly record struct ReplicaKey(string Group, int Index)
{
    /// <summary>The grain key string.</summary>
    public override string ToString() => $"{Group}/{Index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Parses a grain key; false when it is not of the form <c>"{group}/{index}"</c>.</summary>
    public static bool TryParse(string key, out ReplicaKey result)
    {
        result = default;
        var slash = key.LastIndexOf('/');
        if (slash <= 0 || slash == key.Length - 1) return false;
        if (!int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index < 1) return false;
        result = new ReplicaKey(key[..slash], index);
        return true;
    }

    /// <summary>Parses a grain key or throws <see cref="ArgumentException"/>.</summary>
    public static ReplicaKey Parse(string key)
        => TryParse(key, out var r) ? r : throw new ArgumentException($"'{key}' is not a replica key of the form '{{group}}/{{index}}'.", nameof(key));
}
