using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using RaftOrleans.Client.Execution;
using RaftOrleans.Grains;

namespace RaftOrleans.Client.Output;

/// <summary>
/// <c>--json</c>: every result is exactly one JSON object on one line, so a script can read a
/// stream of results line by line. Shape: <c>ok</c> always; <c>value</c> for a successful get (and
/// the current value on a CAS conflict); <c>revision</c> on success and on a CAS conflict; on failure <c>error</c>
/// (not_found | cas_conflict | unavailable | bad_input) and <c>message</c>; <c>group</c> and
/// <c>replicas</c> for status.
/// </summary>
public sealed class JsonResultWriter(TextWriter output) : IResultWriter
{
    /// <inheritdoc />
    public void Write(CommandResult result)
    {
        output.WriteLine(Format(result));
        output.Flush();
    }

    /// <summary>Renders <paramref name="result"/> as a single-line JSON object.</summary>
    public static string Format(CommandResult result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = false,
            // Quotes and backticks stay readable: this JSON goes to terminals and scripts, never into HTML.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            KvResponse response = result.Response;
            json.WriteStartObject();
            json.WriteBoolean("ok", response.IsOk);
            bool carriesValue = response.Value is not null
                && (result.Request is GetRequest || response.Status == KvStatusCode.CasConflict);
            if (carriesValue)
            {
                json.WriteString("value", response.Value);
            }
            bool carriesRevision = result.Request is not StatusRequest
                && (response.IsOk || response.Status == KvStatusCode.CasConflict);
            if (carriesRevision)
            {
                json.WriteNumber("revision", response.Revision);
            }
            string? error = ErrorNames.For(response.Status);
            if (error is not null)
            {
                json.WriteString("error", error);
                json.WriteString("message", response.Message ?? error.Replace('_', ' '));
            }
            if (result.Group is { } group)
            {
                WriteGroup(json, group);
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteGroup(Utf8JsonWriter json, GroupStatus group)
    {
        json.WriteString("group", group.Group);
        json.WriteStartArray("replicas");
        foreach (ReplicaStatus replica in group.Replicas)
        {
            json.WriteStartObject();
            json.WriteNumber("replica", replica.Replica);
            json.WriteString("silo", replica.Silo);
            json.WriteString("role", replica.Role);
            json.WriteNumber("term", replica.Term);
            json.WriteNumber("commit", replica.Commit);
            json.WriteNumber("applied", replica.Applied);
            json.WriteNumber("leader", replica.Leader);
            json.WriteNumber("lastIndex", replica.LastIndex);
            if (replica.Error is not null)
            {
                json.WriteString("error", replica.Error);
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
