using System.CommandLine;
using System.CommandLine.Invocation;
using RaftOrleans.Client.Connection;
using RaftOrleans.Client.Execution;
using RaftOrleans.Client.Output;
using RaftOrleans.Client.Shell;
using Spectre.Console;

namespace RaftOrleans.Client.Cli;

/// <summary>The <c>raftkv</c> command line: request commands, the shell, global options, exit codes.</summary>
public sealed class ClientCommandLine
{
    private const string Description = """
        raftkv: the RaftOrleans key-value client.

        With no command (or `shell`) it reads one command per line from stdin.
        Exit codes: 0 ok, 2 not found, 3 CAS conflict, 4 unavailable (no silo or no leader
        reached before the deadline; a write may or may not have applied), 5 bad input.
        Put -- before keys or values that start with '-': raftkv set -- --key -1
        """;

    private readonly GlobalOptions _global = new();
    private readonly RequestGrammar _grammar = new();
    private readonly RootCommand _root;

    /// <summary>Builds the command tree.</summary>
    public ClientCommandLine()
    {
        _root = new RootCommand(Description);
        foreach (Option option in _global.All)
        {
            _root.Options.Add(option);
        }
        foreach (Command command in _grammar.Commands)
        {
            _root.Subcommands.Add(command);
            command.SetAction(RunSingleAsync);
        }
        var shell = new Command("shell", "Interactive mode: one command per line (the default with no command).");
        shell.SetAction(RunShellAsync);
        _root.Subcommands.Add(shell);
        _root.Subcommands.Add(new SnapshotCommand(_global).Command);
        _root.Subcommands.Add(new MemberCommand(_global).Command);
        _root.SetAction(RunShellAsync);
    }

    /// <summary>Parses <paramref name="args"/>, runs the command, returns the exit code.</summary>
    public async Task<int> RunAsync(string[] args)
    {
        ParseResult parse = _root.Parse(args);
        string? strictError = parse.Action is ParseErrorAction
            ? string.Join("; ", parse.Errors.Select(e => e.Message))
            : StrictInput.FindInvalidArgumentBytes(args) ?? StrictInput.FindUnknownOption(parse);
        if (strictError is not null)
        {
            // Usage errors are bad input (exit 5), in the chosen output format.
            CreateWriter(parse, inShell: false).Write(CommandResult.BadInput(strictError));
            if (!parse.GetValue(_global.Json))
            {
                Console.Error.WriteLine("See 'raftkv --help'.");
            }
            return ExitCodes.BadInput;
        }
        return await parse.InvokeAsync();
    }

    private async Task<int> RunSingleAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        IResultWriter writer = CreateWriter(parse, inShell: false);
        KvRequest request = _grammar.Bind(parse)
            ?? throw new InvalidOperationException($"'{parse.CommandResult.Command.Name}' is not a request command");
        ConnectionSettings? settings = _global.Bind(parse, out string error);
        if (settings is null)
        {
            writer.Write(CommandResult.BadInput(error));
            return ExitCodes.BadInput;
        }
        var executor = new RequestExecutor(settings);
        CommandResult result = await executor.ExecuteAsync(request, cancellationToken, SinceProcessStart());
        // The answer first: leaving the cluster is not part of the command's deadline.
        writer.Write(result);
        if (settings.Verbose && executor.GatewayReport is { } report)
        {
            Console.Error.WriteLine($"gateways: {report}");
        }
        await executor.DisposeAsync();
        return result.ExitCode;
    }

    /// <summary>How long the runtime took to get here: a single command's --timeout counts from process start.</summary>
    private static TimeSpan SinceProcessStart()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        TimeSpan spent = DateTime.Now - self.StartTime;
        // A wall clock that jumped says nothing about our start-up: then count from now.
        return spent > TimeSpan.Zero && spent < TimeSpan.FromMinutes(1) ? spent : TimeSpan.Zero;
    }

    private async Task<int> RunShellAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        IResultWriter writer = CreateWriter(parse, inShell: true);
        ConnectionSettings? settings = _global.Bind(parse, out string error);
        if (settings is null)
        {
            writer.Write(CommandResult.BadInput(error));
            return ExitCodes.BadInput;
        }
        bool interactive = !Console.IsInputRedirected && !parse.GetValue(_global.Json);
        var shell = new InteractiveShell(settings, writer, Console.OpenStandardInput(), Console.Out, showPrompt: interactive);
        return await shell.RunAsync(cancellationToken);
    }

    private IResultWriter CreateWriter(ParseResult parse, bool inShell)
    {
        if (parse.GetValue(_global.Json))
        {
            return new JsonResultWriter(Console.Out);
        }
        IAnsiConsole console = AnsiConsole.Console;
        if (Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns when it cannot ask a terminal; that wraps the status table.
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
        }
        return new TextResultWriter(Console.Out, inShell ? Console.Out : Console.Error, console);
    }
}
