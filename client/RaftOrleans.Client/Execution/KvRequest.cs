using RaftOrleans.Grains;

namespace RaftOrleans.Client.Execution;

/// <summary>
/// One parsed user request, independent of where it came from (the command line or a shell line),
/// so both paths share one executor and one output format.
/// </summary>
public abstract record KvRequest;

/// <summary><c>set KEY VALUE</c>.</summary>
public sealed record SetRequest(string Key, string Value) : KvRequest;

/// <summary><c>get KEY [--stale]</c>.</summary>
public sealed record GetRequest(string Key, bool Stale) : KvRequest;

/// <summary><c>delete KEY</c>.</summary>
public sealed record DeleteRequest(string Key) : KvRequest;

/// <summary><c>cas KEY EXPECTED NEW</c>, <c>cas KEY NEW --expect-revision N</c> or <c>cas KEY NEW --expect-absent</c>.</summary>
public sealed record CasRequest(string Key, CasCondition Condition, string NewValue) : KvRequest;

/// <summary><c>status</c>: every replica of the group.</summary>
public sealed record StatusRequest : KvRequest;
