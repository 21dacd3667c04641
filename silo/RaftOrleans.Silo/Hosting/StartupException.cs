namespace RaftOrleans.Silo.Hosting;

/// <summary>A startup problem the user can fix, with the exit code that names it.</summary>
public sealed class StartupException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="SiloExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;
}
