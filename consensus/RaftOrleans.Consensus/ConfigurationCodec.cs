using System.Buffers.Binary;
using System.Text;

namespace RaftOrleans.Consensus;

/// <summary>
/// The payload of an <see cref="EntryType.Config"/> entry: a <see cref="GroupConfiguration"/>. Two layouts
/// (little-endian), told apart by the first int32:
/// <list type="bullet">
/// <item>version 1 (written before membership changes, still read): count (int32 ≥ 0), then per voter id (int32)
/// and incarnation (int64); every member a voter, no locations;</item>
/// <item>version 2: the marker -2 (int32), count (int32), then per member id (int32), incarnation (int64), flags
/// (byte: 1 = voter), location length (uint16) and the location in UTF-8.</item>
/// </list>
/// </summary>
public static class ConfigurationCodec
{
    private const int V1PerVoter = 12;
    private const int V2Marker = -2;
    private const int MaxLocationBytes = ushort.MaxValue;

    /// <summary>Encodes <paramref name="configuration"/> (version 2).</summary>
    public static byte[] Encode(GroupConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var locations = configuration.Members.Select(m => Encoding.UTF8.GetBytes(m.Location)).ToArray();
        if (locations.Any(l => l.Length > MaxLocationBytes)) throw new ArgumentException($"A member location is longer than {MaxLocationBytes} bytes.");
        var bytes = new byte[8 + configuration.Members.Sum(_ => 15) + locations.Sum(l => l.Length)];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, V2Marker);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], configuration.Members.Count);
        var at = 8;
        for (var i = 0; i < configuration.Members.Count; i++)
        {
            var m = configuration.Members[i];
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], m.Id);
            BinaryPrimitives.WriteInt64LittleEndian(span[(at + 4)..], m.Incarnation);
            span[at + 12] = m.IsVoter ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteUInt16LittleEndian(span[(at + 13)..], (ushort)locations[i].Length);
            locations[i].CopyTo(span[(at + 15)..]);
            at += 15 + locations[i].Length;
        }
        return bytes;
    }

    /// <summary>Encodes voters only with their <paramref name="incarnations"/> (parallel lists), as version 1.
    /// Kept for tests of the upgrade path: new entries are written with <see cref="Encode(GroupConfiguration)"/>.</summary>
    public static byte[] EncodeVersion1(IReadOnlyList<int> voters, IReadOnlyList<long> incarnations)
    {
        ArgumentNullException.ThrowIfNull(voters);
        ArgumentNullException.ThrowIfNull(incarnations);
        if (voters.Count != incarnations.Count) throw new ArgumentException("Voters and incarnations must be parallel lists.");
        var bytes = new byte[4 + V1PerVoter * voters.Count];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, voters.Count);
        for (var i = 0; i < voters.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 + V1PerVoter * i), voters[i]);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 + V1PerVoter * i), incarnations[i]);
        }
        return bytes;
    }

    /// <summary>Encodes a configuration of voters only with their <paramref name="incarnations"/> (parallel lists).</summary>
    public static byte[] Encode(IReadOnlyList<int> voters, IReadOnlyList<long> incarnations)
        => Encode(GroupConfiguration.OfVoters(voters, incarnations));

    /// <summary>Decodes a payload of either version.</summary>
    /// <exception cref="InvalidDataException">The payload is malformed.</exception>
    public static GroupConfiguration DecodeConfiguration(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4) throw new InvalidDataException("Configuration entry too short.");
        var first = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (first >= 0) return DecodeVersion1(data, first);
        if (first != V2Marker) throw new InvalidDataException($"Unknown configuration entry version marker {first}.");
        if (data.Length < 8) throw new InvalidDataException("Configuration entry too short.");
        var count = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        if (count < 0 || count > (data.Length - 8) / 15) throw new InvalidDataException($"Configuration entry of {data.Length} bytes does not hold {count} members.");
        var members = new List<GroupMember>(count);
        var at = 8;
        for (var i = 0; i < count; i++)
        {
            if (data.Length - at < 15) throw new InvalidDataException("Configuration entry truncated.");
            var id = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            var incarnation = BinaryPrimitives.ReadInt64LittleEndian(data[(at + 4)..]);
            var flags = data[at + 12];
            if (flags > 1) throw new InvalidDataException($"Configuration member {id} has unknown flags {flags}.");
            int length = BinaryPrimitives.ReadUInt16LittleEndian(data[(at + 13)..]);
            if (data.Length - at - 15 < length) throw new InvalidDataException("Configuration entry truncated.");
            var location = Encoding.UTF8.GetString(data.Slice(at + 15, length));
            members.Add(new GroupMember(id, incarnation, flags == 1, location));
            at += 15 + length;
        }
        if (at != data.Length) throw new InvalidDataException($"Configuration entry has {data.Length - at} trailing bytes.");
        try
        {
            return new GroupConfiguration(members);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Configuration entry is invalid: {e.Message}", e);
        }
    }

    /// <summary>Decodes a payload of either version into the voters and their incarnations (parallel lists).</summary>
    /// <exception cref="InvalidDataException">The payload is malformed.</exception>
    public static (int[] Voters, long[] Incarnations) Decode(ReadOnlySpan<byte> data)
    {
        var configuration = DecodeConfiguration(data);
        return (configuration.Voters.ToArray(), configuration.VoterIncarnations.ToArray());
    }

    private static GroupConfiguration DecodeVersion1(ReadOnlySpan<byte> data, int count)
    {
        if (data.Length != 4 + (long)V1PerVoter * count)
            throw new InvalidDataException($"Configuration entry of {data.Length} bytes does not hold {count} voters.");
        var voters = new int[count];
        var incarnations = new long[count];
        for (var i = 0; i < count; i++)
        {
            voters[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(4 + V1PerVoter * i)..]);
            incarnations[i] = BinaryPrimitives.ReadInt64LittleEndian(data[(8 + V1PerVoter * i)..]);
        }
        try
        {
            return GroupConfiguration.OfVoters(voters, incarnations);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Configuration entry is invalid: {e.Message}", e);
        }
    }
}
