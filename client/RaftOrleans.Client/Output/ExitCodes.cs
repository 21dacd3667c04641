using RaftOrleans.Grains;

namespace RaftOrleans.Client.Output;

/// <summary>
/// The process exit codes of <c>raftkv</c>. Scripts rely on them, so they never change meaning.
/// </summary>
public static class ExitCodes
{
    /// <summary>The request succeeded.</summary>
    public const int Ok = 0;
    /// <summary>The key does not exist (get, delete).</summary>
    public const int NotFound = 2;
    /// <summary>The compare-and-swap condition did not hold.</summary>
    public const int CasConflict = 3;
    /// <summary>No silo or no leader could be reached before the deadline; a write may or may not have applied.</summary>
    public const int Unavailable = 4;
    /// <summary>The command line or the request was invalid.</summary>
    public const int BadInput = 5;
    /// <summary>The cluster refused this client: no valid client certificate, or its grant does not allow the request (it never applied).</summary>
    public const int PermissionDenied = 6;

    /// <summary>The exit code for a response status.</summary>
    public static int For(KvStatusCode status) => status switch
    {
        KvStatusCode.Ok => Ok,
        KvStatusCode.NotFound => NotFound,
        KvStatusCode.CasConflict => CasConflict,
        KvStatusCode.Unavailable => Unavailable,
        KvStatusCode.BadInput => BadInput,
        KvStatusCode.PermissionDenied => PermissionDenied,
        _ => Unavailable,
    };
}
