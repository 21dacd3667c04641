namespace RaftOrleans.KeyValue;

/// <summary>
/// The outcome of applying a command or serving a read.
/// <list type="bullet">
/// <item>Put / Cas <see cref="KvStatus.Ok"/>: <see cref="Value"/> is the value stored, <see cref="Revision"/> the new revision.</item>
/// <item>Get <see cref="KvStatus.Ok"/>: the current value and revision.</item>
/// <item>Delete <see cref="KvStatus.Ok"/>: the deleted value; <see cref="Revision"/> is the delete's log index.</item>
/// <item><see cref="KvStatus.NotFound"/>: no value, revision 0.</item>
/// <item><see cref="KvStatus.CasConflict"/>: the current value and revision (null and 0 if the key is absent).</item>
/// <item><see cref="KvStatus.BadInput"/>: <see cref="Message"/> says why.</item>
/// </list>
/// </summary>
/// <param name="Status">How it ended.</param>
/// <param name="Value">The value, see above.</param>
/// <param name="Revision">The revision, see above.</param>
/// <param name="Message">A human-readable reason for <see cref="KvStatus.BadInput"/>.</param>
public readonly record struct KvResult(KvStatus Status, string? Value, long Revision, string? Message = null)
{
    /// <summary>The result for an absent key.</summary>
    public static KvResult NotFound => new(KvStatus.NotFound, null, 0);

    /// <summary>A <see cref="KvStatus.BadInput"/> result with a reason.</summary>
    public static KvResult BadInput(string message) => new(KvStatus.BadInput, null, 0, message);
}
