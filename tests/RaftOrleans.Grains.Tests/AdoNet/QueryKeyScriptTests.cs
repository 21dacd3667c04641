using System.Text.RegularExpressions;
using RaftOrleans.Grains.AdoNet;
using Xunit;

namespace RaftOrleans.Grains.Tests.AdoNet;

/// <summary>
/// Both dialects' embedded scripts install the same query keys per part, each once. (The SQLite scripts are
/// also run for real by the other tests; the PostgreSQL ones need a server, so this is their check here.)
/// </summary>
public sealed partial class QueryKeyScriptTests
{
    [Theory]
    [InlineData("Storage")]
    [InlineData("Clustering")]
    [InlineData("Reminders")]
    public void SqliteAndPostgreSql_InstallTheSameQueryKeys(string part)
    {
        var sqlite = QueryKeysIn(SqlScripts.Read("Sqlite", part));
        var postgreSql = QueryKeysIn(SqlScripts.Read("PostgreSql", part));

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Count, sqlite.Distinct().Count());
        Assert.Equal(sqlite.Order(), postgreSql.Order());
        Assert.Contains($"VALUES ('{part}', {SqliteSchema.CurrentVersion})", SqlScripts.Read("Sqlite", part));
        Assert.Contains($"VALUES ('{part}', {PostgreSqlSchema.CurrentVersion})", SqlScripts.Read("PostgreSql", part));
    }

    [Fact]
    public void PostgreSqlQueryTexts_AreDollarQuoted_AndHoldNoTransactionControl()
    {
        foreach (var part in new[] { "Storage", "Clustering", "Reminders" })
        {
            var script = SqlScripts.Read("PostgreSql", part);
            foreach (Match row in QueryRow().Matches(script))
            {
                var text = row.Groups["text"].Value;
                Assert.DoesNotMatch(@"(?i)\b(BEGIN|COMMIT|ROLLBACK)\b", text);
            }

            Assert.Equal(QueryKeysIn(script).Count, QueryRow().Matches(script).Count);
        }
    }

    private static List<string> QueryKeysIn(string script) =>
        [.. QueryKey().Matches(script).Select(match => match.Groups["key"].Value)];

    [GeneratedRegex(@"INSERT INTO OrleansQuery \(QueryKey, QueryText\) VALUES \('(?<key>\w+)'")]
    private static partial Regex QueryKey();

    [GeneratedRegex(@"VALUES \('\w+', \$q\$(?<text>.*?)\$q\$\)", RegexOptions.Singleline)]
    private static partial Regex QueryRow();
}
