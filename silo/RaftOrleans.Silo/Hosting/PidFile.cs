namespace RaftOrleans.Silo.Hosting;

/// <summary>
/// Writes this process's id to a file while the silo runs, so scripts and tests can find (and kill)
/// exactly the silo they mean instead of matching process names.
/// </summary>
public sealed class PidFile : IDisposable
{
    private readonly string _path;

    private PidFile(string path) => _path = path;

    /// <summary>Writes the current process id to <paramref name="path"/>.</summary>
    public static PidFile Write(string path)
    {
        File.WriteAllText(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
        return new PidFile(path);
    }

    /// <summary>Removes the file (a killed silo leaves it behind; its content is then stale).</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_path);
        }
        catch (IOException)
        {
            // A leftover pid file is harmless: readers check that the process exists.
        }
    }
}
