namespace RaftOrleans.Silo;

/// <summary>The exit codes of <c>raftkv-silo</c>; scripts and tests tell failures apart by them.</summary>
public static class SiloExitCodes
{
    /// <summary>Stopped cleanly.</summary>
    public const int Ok = 0;
    /// <summary>The silo (or a child of <c>local</c>) failed to start or died.</summary>
    public const int StartFailed = 1;
    /// <summary>Invalid command line or configuration (bad port, missing name, ...).</summary>
    public const int BadConfiguration = 2;
    /// <summary>The data directory cannot be created or written.</summary>
    public const int DataDirectoryUnusable = 3;
    /// <summary>A silo or gateway port is already in use or cannot be bound.</summary>
    public const int PortUnavailable = 4;
    /// <summary><c>local</c>: the cluster did not serve a request before the ready deadline.</summary>
    public const int NotReady = 5;
}
