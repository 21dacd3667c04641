using RaftOrleans.Client.Execution;
using RaftOrleans.Grains;
using Spectre.Console;

namespace RaftOrleans.Client.Output;

/// <summary>
/// Human output: a get prints the bare value (so <c>$(raftkv get k)</c> works), writes print
/// <c>OK revision=N</c>, failures print <c>error: NAME: message</c>, status prints a table.
/// </summary>
/// <param name="output">Where successful results go.</param>
/// <param name="errors">Where failures go: stderr for a single command, stdout in the shell so
/// every command yields exactly one line on one stream.</param>
/// <param name="console">The console the status table is rendered to.</param>
public sealed class TextResultWriter(TextWriter output, TextWriter errors, IAnsiConsole console) : IResultWriter
{
    /// <inheritdoc />
    public void Write(CommandResult result)
    {
        KvResponse response = result.Response;
        if (!response.IsOk)
        {
            errors.WriteLine(FormatError(response));
            errors.Flush();
            return;
        }
        if (result.Group is { } group)
        {
            output.Flush();
            console.Write(StatusTable.Build(group));
            return;
        }
        output.WriteLine(result.Request is GetRequest ? response.Value ?? "" : FormatSuccess(response));
        output.Flush();
    }

    /// <summary>The line printed for a successful write.</summary>
    public static string FormatSuccess(KvResponse response)
        => response.Revision > 0 ? $"OK revision={response.Revision}" : "OK";

    /// <summary>The line printed for a failure.</summary>
    public static string FormatError(KvResponse response)
    {
        string name = ErrorNames.For(response.Status) ?? "error";
        string message = response.Message ?? name.Replace('_', ' ');
        if (response.Status == KvStatusCode.CasConflict && response.Value is not null)
        {
            message = $"{message} (current value \"{response.Value}\" at revision {response.Revision})";
        }
        return $"error: {name}: {message}";
    }
}
