namespace RaftOrleans.Bench.Soak;

/// <summary>Bytes on disk of a member's data directory: the sum of every file's length below it, recursively.</summary>
public static class DirectorySize
{
    /// <summary>
    /// The total length of the files under <paramref name="directory"/> (0 when it does not exist).
    /// Files that vanish while being counted (SQLite journals, etcd's WAL segments being renamed) are
    /// skipped: the count is a sample of a directory that a running member is changing.
    /// </summary>
    public static long Bytes(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        long total = 0;
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(directory));
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            try
            {
                foreach (var entry in current.EnumerateFileSystemInfos())
                {
                    // Symbolic links are not followed: a member's directory holds its own files only.
                    if (entry.LinkTarget is not null) continue;
                    if (entry is DirectoryInfo sub) pending.Push(sub);
                    else if (entry is FileInfo file) total += LengthOrZero(file);
                }
            }
            catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
            {
                // Removed while counting.
            }
        }
        return total;
    }

    private static long LengthOrZero(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
