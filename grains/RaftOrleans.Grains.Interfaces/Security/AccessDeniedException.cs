namespace RaftOrleans.Grains;

/// <summary>
/// A gateway refused a call: the caller sent no valid client credential, or its identity may not do
/// what it asked (a read-only client writing, a write outside its key prefixes, an administrative
/// call). The request never reached the log. The message says which and why.
/// </summary>
[GenerateSerializer, Alias("raftkv.AccessDeniedException")]
public sealed class AccessDeniedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AccessDeniedException() { }

    /// <summary>Creates the exception with its reason.</summary>
    public AccessDeniedException(string message) : base(message) { }

    /// <summary>Creates the exception with its reason and cause.</summary>
    public AccessDeniedException(string message, Exception inner) : base(message, inner) { }
}
