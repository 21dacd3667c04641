using System.CommandLine;
using System.Globalization;
using RaftOrleans.Silo.Hosting;

namespace RaftOrleans.Silo.Restore;

/// <summary>
/// <c>raftkv-silo restore --from FILE --name NAME [--data DIR] [--service-id ID] [--group G]
/// [--Section:Key=value ...]</c>: seeds one silo's fresh data directory from a backup made by
/// <c>raftkv snapshot save</c>, for a NEW cluster. Storage and Raft settings come from the same layers
/// as <c>run</c> (appsettings.json, <c>RAFTKV_</c> variables, the options, extra tokens).
/// </summary>
public sealed class RestoreCommand
{
    private const string DataEnvironmentVariable = "RAFTKV_DATA";
    private readonly Option<string> _from = new("--from") { Description = "The backup file (from `raftkv snapshot save`).", Required = true };
    private readonly Option<string> _name = new("--name") { Description = "Silo name whose replica to seed (silo1..siloN); run restore once per silo." };
    private readonly Option<string> _data = new("--data") { Description = "Data directory (default $RAFTKV_DATA or ./.raftkv)." };
    private readonly Option<string> _serviceId = new("--service-id") { Description = "Orleans service id the new cluster will run with (default raftkv)." };
    private readonly Option<string> _group = new("--group") { Description = "Raft group to restore.", DefaultValueFactory = _ => "default" };

    /// <summary>Creates the command.</summary>
    public RestoreCommand()
    {
        Command = new Command("restore", "Seed a fresh data directory of one silo from a backup file, for a new cluster (refuses existing Raft state). Extra --Section:Key=value tokens override configuration as for run.")
        {
            _from, _name, _data, _serviceId, _group,
        };
        Command.TreatUnmatchedTokensAsErrors = false;
        Command.SetAction(RunAsync);
    }

    /// <summary>The command to add to the root.</summary>
    public Command Command { get; }

    private Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?>();
        void Put(Option<string> option, string key)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                values[$"{SiloHostOptions.SectionName}:{key}"] = Convert.ToString(parse.GetValue(option), CultureInfo.InvariantCulture);
            }
        }
        Put(_name, nameof(SiloHostOptions.Name));
        Put(_data, nameof(SiloHostOptions.DataDirectory));
        Put(_serviceId, nameof(SiloHostOptions.ServiceId));
        if (!values.ContainsKey($"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.DataDirectory)}")
            && Environment.GetEnvironmentVariable(DataEnvironmentVariable) is { Length: > 0 } data)
        {
            values[$"{SiloHostOptions.SectionName}:{nameof(SiloHostOptions.DataDirectory)}"] = data;
        }
        var configuration = SiloHostFactory.BuildConfiguration(values, parse.UnmatchedTokens);
        return SiloRestore.RunAsync(configuration, parse.GetValue(_from)!, parse.GetValue(_group) ?? "default", cancellationToken);
    }
}
