using RaftOrleans.Grains;
using Spectre.Console;

namespace RaftOrleans.Client.Output;

/// <summary>Renders a group's status as a Spectre table: one row per replica.</summary>
public static class StatusTable
{
    /// <summary>Builds the table for <paramref name="group"/>.</summary>
    public static Table Build(GroupStatus group)
    {
        var table = new Table()
            .Title($"group [bold]{Markup.Escape(group.Group)}[/]")
            .AddColumns("replica", "silo", "role", "term", "commit", "applied", "leader", "last index");
        // The error column only when some replica could not be reached: it is usually empty.
        bool anyError = group.Replicas.Any(r => !string.IsNullOrEmpty(r.Error));
        if (anyError)
        {
            table.AddColumn("error");
        }
        foreach (ReplicaStatus replica in group.Replicas)
        {
            string role = replica.Role == "Leader" ? "[green]Leader[/]" : Markup.Escape(replica.Role);
            List<string> cells =
            [
                replica.Replica.ToString(),
                Markup.Escape(replica.Silo),
                role,
                replica.Term.ToString(),
                replica.Commit.ToString(),
                replica.Applied.ToString(),
                replica.Leader == 0 ? "-" : replica.Leader.ToString(),
                replica.LastIndex.ToString(),
            ];
            if (anyError)
            {
                cells.Add(Markup.Escape(replica.Error ?? ""));
            }
            table.AddRow([.. cells]);
        }
        return table;
    }
}
