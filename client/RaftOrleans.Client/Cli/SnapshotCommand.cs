using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using RaftOrleans.Client.Connection;
using RaftOrleans.Client.Output;
using RaftOrleans.Client.Snapshot;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Cli;

/// <summary>
/// <c>raftkv snapshot save FILE</c>: streams a consistent backup of the group from its leader into
/// FILE and prints its index, term, size and SHA-256 (one JSON object with <c>--json</c>).
/// </summary>
public sealed class SnapshotCommand
{
    private readonly GlobalOptions _global;
    private readonly Argument<string> _file = new("file") { Description = "The backup file to write (replaced only by a complete, verified backup)." };

    /// <summary>Creates the <c>snapshot</c> command with its <c>save</c> subcommand.</summary>
    public SnapshotCommand(GlobalOptions global)
    {
        _global = global;
        var save = new Command("save", "Save a consistent backup of the group, taken by the leader at its applied index, into FILE.") { _file };
        save.SetAction(SaveAsync);
        Command = new Command("snapshot", "Backups: `snapshot save FILE` (restore with `raftkv-silo restore --from FILE`).") { save };
    }

    /// <summary>The command to add to the root.</summary>
    public Command Command { get; }

    private async Task<int> SaveAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var json = parse.GetValue(_global.Json);
        var settings = _global.Bind(parse, out var error);
        SnapshotSaveResult result;
        if (settings is null)
        {
            result = SnapshotSaveResult.Failed(KvStatusCode.BadInput, error);
        }
        else
        {
            try
            {
                await using var connection = await RaftKeyValueClient.ConnectAsync(settings, cancellationToken);
                IKeyValueGrain gateway = connection.Client.GetGrain<IKeyValueGrain>(settings.Group);
                result = await new SnapshotSaver(gateway, settings.RequestTimeout).SaveAsync(parse.GetValue(_file)!, cancellationToken);
            }
            catch (ClusterUnavailableException e)
            {
                result = SnapshotSaveResult.Failed(KvStatusCode.Unavailable, e.Message);
            }
            catch (AccessDeniedException e)
            {
                result = SnapshotSaveResult.Failed(KvStatusCode.PermissionDenied, e.Message);
            }
        }
        if (json)
        {
            Console.Out.WriteLine(FormatJson(result));
        }
        else if (result.Status == KvStatusCode.Ok)
        {
            var s = result.Session!;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"saved {result.File}: index={s.Index} term={s.Term} bytes={s.TotalBytes} keys={s.Keys} sha256={s.Sha256}"));
        }
        else
        {
            Console.Error.WriteLine(TextResultWriter.FormatError(new KvResponse { Status = result.Status, Message = result.Message }));
        }
        return ExitCodes.For(result.Status);
    }

    /// <summary>One JSON object: <c>ok</c>, then <c>file index term bytes keys sha256</c> or <c>error message</c>.</summary>
    public static string FormatJson(SnapshotSaveResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok", result.Status == KvStatusCode.Ok);
            if (result.Status == KvStatusCode.Ok && result.Session is { } s)
            {
                json.WriteString("file", result.File);
                json.WriteNumber("index", s.Index);
                json.WriteNumber("term", s.Term);
                json.WriteNumber("bytes", s.TotalBytes);
                json.WriteNumber("keys", s.Keys);
                json.WriteString("sha256", s.Sha256);
            }
            else
            {
                json.WriteString("error", ErrorNames.For(result.Status) ?? "unavailable");
                json.WriteString("message", result.Message ?? "");
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
