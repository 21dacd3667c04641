using System.CommandLine;
using System.CommandLine.Help;
using CommandLineParser = System.CommandLine.Parsing.CommandLineParser;
using RaftOrleans.Client.Cli;
using RaftOrleans.Client.Connection;
using RaftOrleans.Client.Execution;
using RaftOrleans.Client.Output;

namespace RaftOrleans.Client.Shell;

/// <summary>
/// Interactive mode: reads one command per line (<c>set K V</c>, <c>get K</c>, <c>delete K</c>,
/// <c>cas K EXPECTED NEW</c>, <c>status</c>) and answers each with one result. On a terminal it
/// shows a prompt; with piped input it prints only results, so a script can pair line N of its
/// input with line N of the output. Bad lines get a bad_input result, never end the session.
/// </summary>
public sealed class InteractiveShell(
    ConnectionSettings settings, IResultWriter writer, Stream input, TextWriter output, bool showPrompt)
{
    private const string Prompt = "raftkv> ";
    private readonly RequestGrammar _grammar = new();
    private readonly StrictLineReader _input = new(input);
    private readonly RequestExecutor _executor = new(settings);

    /// <summary>Runs until end of input, <c>exit</c>/<c>quit</c>, or cancellation. Returns the process exit code (0).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        RootCommand lineRoot = BuildLineRoot();
        try
        {
            // The session connects once at its start, within --connect-timeout; each line's --timeout
            // then covers its request and any reconnect. A failure here is not reported: the first
            // line connects again and answers unavailable if it cannot.
            Task<bool> connecting = _executor.TryConnectAsync(cancellationToken);
            if (showPrompt)
            {
                output.WriteLine("raftkv shell: set K V | get K [--stale] | delete K | cas K EXPECTED NEW | status | help | exit");
            }
            while (!cancellationToken.IsCancellationRequested)
            {
                if (showPrompt)
                {
                    output.Write(Prompt);
                    output.Flush();
                }
                InputLine? line = await _input.ReadLineAsync(cancellationToken);
                if (line is null)
                {
                    break;
                }
                if (line.Error is not null)
                {
                    writer.Write(CommandResult.BadInput(line.Error));
                    continue;
                }
                string trimmed = line.Text!.Trim();
                if (trimmed.Length == 0 || trimmed.StartsWith('#'))
                {
                    continue;
                }
                if (trimmed is "exit" or "quit")
                {
                    break;
                }
                await connecting;
                await RunLineAsync(lineRoot, trimmed, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C ends the session quietly.
        }
        finally
        {
            await _executor.DisposeAsync();
        }
        return ExitCodes.Ok;
    }

    private RootCommand BuildLineRoot()
    {
        var root = new RootCommand("raftkv shell commands");
        foreach (Command command in _grammar.Commands)
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    private async Task RunLineAsync(RootCommand lineRoot, string line, CancellationToken cancellationToken)
    {
        string[] tokens = [.. CommandLineParser.SplitCommandLine(line)];
        if (tokens is ["help"])
        {
            tokens = ["--help"];
        }
        if (!lineRoot.Subcommands.Any(c => c.Name == tokens[0]) && !tokens[0].StartsWith('-'))
        {
            writer.Write(CommandResult.BadInput($"unknown command '{tokens[0]}' (expected set, get, delete, cas, status, help or exit)"));
            return;
        }
        ParseResult parse = lineRoot.Parse(tokens);
        if (parse.Action is HelpAction)
        {
            parse.Invoke(new InvocationConfiguration { Output = output });
            return;
        }
        if (parse.Errors.Count > 0)
        {
            writer.Write(CommandResult.BadInput(string.Join("; ", parse.Errors.Select(e => e.Message))));
            return;
        }
        if (StrictInput.FindUnknownOption(parse) is { } unknownOption)
        {
            writer.Write(CommandResult.BadInput(unknownOption));
            return;
        }
        KvRequest? request = _grammar.Bind(parse);
        if (request is null)
        {
            writer.Write(CommandResult.BadInput($"unknown command: {line}"));
            return;
        }
        writer.Write(await _executor.ExecuteAsync(request, cancellationToken));
    }
}
