using System.Buffers.Binary;

namespace RaftOrleans.Consensus;

/// <summary>
/// The payload of an <see cref="EntryType.Config"/> entry: each voter's id and storage incarnation, in increasing
/// id order. Layout (little-endian): count (int32), then per voter id (int32) and incarnation (int64).
/// </summary>
public static class ConfigurationCodec
{
    private const int PerVoter = 12;

    /// <summary>Encodes <paramref name="voters"/> with their <paramref name="incarnations"/> (parallel lists).</summary>
    public static byte[] Encode(IReadOnlyList<int> voters, IReadOnlyList<long> incarnations)
    {
        ArgumentNullException.ThrowIfNull(voters);
        ArgumentNullException.ThrowIfNull(incarnations);
        if (voters.Count != incarnations.Count) throw new ArgumentException("Voters and incarnations must be parallel lists.");
        var bytes = new byte[4 + PerVoter * voters.Count];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, voters.Count);
        for (var i = 0; i < voters.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 + PerVoter * i), voters[i]);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 + PerVoter * i), incarnations[i]);
        }
        return bytes;
    }

    /// <summary>Decodes a payload written by <see cref="Encode"/>.</summary>
    /// <exception cref="InvalidDataException">The payload is malformed.</exception>
    public static (int[] Voters, long[] Incarnations) Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) throw new InvalidDataException("Configuration entry too short.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (count < 0 || data.Length != 4 + (long)PerVoter * count)
            throw new InvalidDataException($"Configuration entry of {data.Length} bytes does not hold {count} voters.");
        var voters = new int[count];
        var incarnations = new long[count];
        for (var i = 0; i < count; i++)
        {
            voters[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(4 + PerVoter * i)..]);
            incarnations[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(8 + PerVoter * i)..]);
        }
        return (voters, incarnations);
    }
}
