namespace Rewriter.Diagnostics;

/// <summary>
/// Greppable diagnostics with fixed prefixes so lit tests can FileCheck them. Warnings always
/// print; info lines only with -v.
/// </summary>
public sealed class Log(TextWriter output, bool verbose)
{
    public static Log Silent { get; } = new(TextWriter.Null, false);

    public bool Verbose { get; } = verbose;

    public void Info(string message)
    {
        if (Verbose) output.WriteLine($"RW-INFO: {message}");
    }

    public void Warning(string message) => output.WriteLine($"RW-WARNING: {message}");
}
