using RaftOrleans.KeyValue;

namespace RaftOrleans.Consensus.Tests.KeyValue;

/// <summary>Encoded commands for state machine tests.</summary>
internal static class KvTestCommands
{
    public static byte[] Put(string key, string value, long client = 0, long sequence = 0, long acked = 0) =>
        KvCommandCodec.Encode(new KvCommand { Op = KvOp.Put, Key = key, Value = value, ClientId = client, Sequence = sequence, AckedBelow = acked });

    public static byte[] Delete(string key, long client = 0, long sequence = 0, long acked = 0) =>
        KvCommandCodec.Encode(new KvCommand { Op = KvOp.Delete, Key = key, ClientId = client, Sequence = sequence, AckedBelow = acked });

    public static byte[] CasValue(string key, string expected, string value) =>
        KvCommandCodec.Encode(new KvCommand { Op = KvOp.Cas, Key = key, Value = value, ExpectedValue = expected });

    public static byte[] CasRevision(string key, long expected, string value) =>
        KvCommandCodec.Encode(new KvCommand { Op = KvOp.Cas, Key = key, Value = value, ExpectedRevision = expected });

    public static byte[] CasAbsent(string key, string value) =>
        KvCommandCodec.Encode(new KvCommand { Op = KvOp.Cas, Key = key, Value = value, MustNotExist = true });

    /// <summary>Applies <paramref name="command"/> at the next index.</summary>
    public static KvResult Next(this KeyValueStateMachine machine, byte[] command) => machine.Apply(machine.AppliedIndex + 1, command);
}
