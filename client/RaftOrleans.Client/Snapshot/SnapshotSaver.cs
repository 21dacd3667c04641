using System.Security.Cryptography;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Snapshot;

/// <summary>
/// Downloads a backup from the leader into a file. The bytes go to <c>FILE.tmp</c>; the file is
/// checked (length and SHA-256 trailer, against what the leader announced), flushed to disk, and only
/// then renamed to <c>FILE</c>. So a failed or interrupted save leaves no <c>FILE</c> (an existing
/// one is replaced only by a complete, verified file) and removes its temporary file.
/// </summary>
public sealed class SnapshotSaver(IKeyValueGrain gateway, TimeSpan requestTimeout)
{
    /// <summary>Bytes asked for per chunk call: bounded so one grain message stays small.</summary>
    public const int ChunkBytes = 1 << 20;

    private const int ChecksumBytes = 32;

    /// <summary>Saves a backup into <paramref name="path"/>.</summary>
    public async Task<SnapshotSaveResult> SaveAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return SnapshotSaveResult.Failed(KvStatusCode.BadInput, $"{full} is a directory; give a file name");
        var directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory)) return SnapshotSaveResult.Failed(KvStatusCode.BadInput, $"directory {directory} does not exist");

        var begin = await CallAsync(gateway.BeginBackup, "starting the backup", m => new BackupBeginResult { Status = KvStatusCode.Unavailable, Message = m });
        if (begin.Status != KvStatusCode.Ok || begin.Session is not { } session)
        {
            return SnapshotSaveResult.Failed(begin.Status == KvStatusCode.Ok ? KvStatusCode.Unavailable : begin.Status, begin.Message ?? "no backup session");
        }

        var temporary = full + ".tmp";
        var saved = false;
        try
        {
            var failure = await DownloadAsync(session, temporary, cancellationToken);
            if (failure is not null) return failure with { Session = session };
            File.Move(temporary, full, overwrite: true);
            saved = true;
            return new SnapshotSaveResult { Status = KvStatusCode.Ok, File = full, Session = session };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SnapshotSaveResult.Failed(KvStatusCode.BadInput, $"cannot write {full}: {e.Message}") with { Session = session };
        }
        finally
        {
            if (!saved) TryDelete(temporary);
            await EndAsync(session);
        }
    }

    private async Task<SnapshotSaveResult?> DownloadAsync(BackupSession session, string temporary, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var trailer = new byte[ChecksumBytes];
        var covered = session.TotalBytes - ChecksumBytes;
        if (covered < 0) return SnapshotSaveResult.Failed(KvStatusCode.Unavailable, $"the leader announced a {session.TotalBytes}-byte file, too short to be a backup");
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true))
        {
            long offset = 0;
            while (offset < session.TotalBytes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var at = offset;
                var chunk = await CallAsync(() => gateway.ReadBackupChunk(session.Replica, session.SessionId, at, ChunkBytes), $"reading the backup at byte {at}", m => new BackupChunk { Status = KvStatusCode.Unavailable, Message = m });
                if (chunk.Status != KvStatusCode.Ok) return SnapshotSaveResult.Failed(chunk.Status, chunk.Message ?? "chunk read failed");
                if (chunk.Data.Length == 0 || offset + chunk.Data.Length > session.TotalBytes)
                {
                    return SnapshotSaveResult.Failed(KvStatusCode.Unavailable, $"the replica returned {chunk.Data.Length} bytes at offset {offset} of {session.TotalBytes}");
                }
                await file.WriteAsync(chunk.Data, cancellationToken);
                // Everything before the trailer is hashed; the trailer itself is kept to compare.
                var hashed = (int)Math.Clamp(covered - offset, 0, chunk.Data.Length);
                hash.AppendData(chunk.Data, 0, hashed);
                for (var i = hashed; i < chunk.Data.Length; i++) trailer[offset + i - covered] = chunk.Data[i];
                offset += chunk.Data.Length;
            }
            await file.FlushAsync(cancellationToken);
            file.Flush(flushToDisk: true); // durable before the rename makes it visible as FILE
        }
        var actual = hash.GetHashAndReset();
        var announced = Convert.ToHexStringLower(trailer);
        if (!actual.AsSpan().SequenceEqual(trailer) || !string.Equals(announced, session.Sha256, StringComparison.Ordinal))
        {
            return SnapshotSaveResult.Failed(KvStatusCode.Unavailable, $"checksum mismatch in the downloaded backup (computed {Convert.ToHexStringLower(actual)}, file says {announced}, leader announced {session.Sha256})");
        }
        return null;
    }

    /// <summary>One grain call with the request deadline; a timeout or a lost connection is "unavailable".</summary>
    private async Task<T> CallAsync<T>(Func<Task<T>> call, string what, Func<string, T> unavailable)
    {
        try
        {
            return await call().WaitAsync(requestTimeout);
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return unavailable($"no answer {what} within {requestTimeout.TotalSeconds:0.#} s: {e.GetBaseException().Message}");
        }
    }

    private async Task EndAsync(BackupSession session)
    {
        try
        {
            await gateway.EndBackup(session.Replica, session.SessionId).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The replica drops an idle session on its own.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to do: the error that got us here is what the user sees.
        }
    }
}
