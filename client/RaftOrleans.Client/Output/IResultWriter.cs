namespace RaftOrleans.Client.Output;

/// <summary>Prints one result per request, in the format the user chose.</summary>
public interface IResultWriter
{
    /// <summary>Prints <paramref name="result"/> (one line, except the text status table).</summary>
    void Write(CommandResult result);
}
