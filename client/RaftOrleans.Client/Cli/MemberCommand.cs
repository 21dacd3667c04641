using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using RaftOrleans.Client.Connection;
using RaftOrleans.Client.Output;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Cli;

/// <summary>
/// <c>raftkv member list | add SILO [--learner] | remove ID | promote ID | move-leader ID</c>: the group's
/// membership (docs/membership.md). Each change is one server at a time and answers once it is committed; with
/// <c>--json</c> every subcommand prints one JSON object.
/// </summary>
public sealed class MemberCommand
{
    private readonly GlobalOptions _global;
    private readonly Argument<string> _silo = new("silo") { Description = "The silo whose replica joins (its name gives the replica id: silo4 hosts replica 4)." };
    private readonly Argument<int> _replica = new("id") { Description = "The replica id." };
    private readonly Option<bool> _learner = new("--learner") { Description = "Add as a learner only (it receives the log but does not vote); promote it later." };

    /// <summary>Creates the <c>member</c> command and its subcommands.</summary>
    public MemberCommand(GlobalOptions global)
    {
        _global = global;
        var list = new Command("list", "List the group's voters and learners, as the leader (or the most recent replica) sees them.");
        list.SetAction((parse, ct) => RunAsync(parse, change: null, ct));
        var add = new Command("add", "Add the replica on SILO: as a learner, then promoted to voter once caught up (unless --learner).") { _silo, _learner };
        add.SetAction((parse, ct) => RunAsync(parse, store => store.AddMemberAsync(parse.GetValue(_silo)!, parse.GetValue(_learner)), ct));
        var remove = new Command("remove", "Remove replica ID from the group (a leader removing itself hands over first).") { _replica };
        remove.SetAction((parse, ct) => RunAsync(parse, store => store.RemoveMemberAsync(parse.GetValue(_replica)), ct));
        var promote = new Command("promote", "Make learner ID a voter once it has caught up.") { _replica };
        promote.SetAction((parse, ct) => RunAsync(parse, store => store.PromoteMemberAsync(parse.GetValue(_replica)), ct));
        var moveLeader = new Command("move-leader", "Hand leadership to voter ID.") { _replica };
        moveLeader.SetAction((parse, ct) => RunAsync(parse, store => store.MoveLeaderAsync(parse.GetValue(_replica)), ct));
        Command = new Command("member", "Group membership: list, add SILO [--learner], remove ID, promote ID, move-leader ID.")
        {
            list, add, remove, promote, moveLeader,
        };
    }

    /// <summary>The command to add to the root.</summary>
    public Command Command { get; }

    /// <summary>Connects, then lists the members (<paramref name="change"/> null) or applies the change.</summary>
    private async Task<int> RunAsync(ParseResult parse, Func<RaftKeyValueStore, Task<KvResponse>>? change, CancellationToken cancellationToken)
    {
        var json = parse.GetValue(_global.Json);
        var settings = _global.Bind(parse, out var error);
        if (settings is null) return Print(json, KvResponse.BadInput(error), null);
        try
        {
            await using var connection = await RaftKeyValueClient.ConnectAsync(settings, cancellationToken);
            var store = connection.Store;
            if (change is null)
            {
                var (members, from) = await store.MembersAsync();
                var response = from is null
                    ? KvResponse.Unavailable("no replica of the group answered")
                    : new KvResponse { Status = KvStatusCode.Ok, Revision = from.ConfigurationIndex };
                return Print(json, response, from is null ? null : (members, from));
            }
            return Print(json, await change(store), null);
        }
        catch (ClusterUnavailableException e)
        {
            return Print(json, KvResponse.Unavailable(e.Message), null);
        }
        catch (AccessDeniedException e)
        {
            return Print(json, new KvResponse { Status = KvStatusCode.PermissionDenied, Message = e.Message }, null);
        }
    }

    private static int Print(bool json, KvResponse response, (IReadOnlyList<MemberInfo> Members, ReplicaStatus From)? list)
    {
        if (json)
        {
            Console.Out.WriteLine(FormatJson(response, list));
        }
        else if (!response.IsOk)
        {
            Console.Error.WriteLine(TextResultWriter.FormatError(response));
        }
        else if (list is { } l)
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"configuration index={l.From.ConfigurationIndex} committed={(l.From.ConfigurationCommitted ? "yes" : "no")} as seen by replica {l.From.Replica} ({l.From.Role})"));
            foreach (var m in l.Members)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{m.Replica}\t{m.Silo}\t{(m.IsVoter ? "voter" : "learner")}\tmatch={m.Match}\tincarnation={m.Incarnation:x16}"));
            }
        }
        else
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"OK index={response.Revision} {response.Message}"));
        }
        return ExitCodes.For(response.Status);
    }

    /// <summary>One JSON object: <c>ok</c>, then <c>index</c> and <c>members</c> (list) or <c>configuration</c>
    /// (a change), or <c>error</c> and <c>message</c>.</summary>
    public static string FormatJson(KvResponse response, (IReadOnlyList<MemberInfo> Members, ReplicaStatus From)? list)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok", response.IsOk);
            if (!response.IsOk)
            {
                json.WriteString("error", ErrorNames.For(response.Status) ?? "unavailable");
                json.WriteString("message", response.Message ?? "");
            }
            else if (list is { } l)
            {
                json.WriteNumber("index", l.From.ConfigurationIndex);
                json.WriteBoolean("committed", l.From.ConfigurationCommitted);
                json.WriteNumber("reportedBy", l.From.Replica);
                json.WriteStartArray("members");
                foreach (var m in l.Members)
                {
                    json.WriteStartObject();
                    json.WriteNumber("replica", m.Replica);
                    json.WriteString("silo", m.Silo);
                    json.WriteString("role", m.IsVoter ? "voter" : "learner");
                    json.WriteNumber("match", m.Match);
                    json.WriteString("incarnation", m.Incarnation.ToString("x16", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            else
            {
                json.WriteNumber("index", response.Revision);
                json.WriteString("configuration", response.Message ?? "");
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
