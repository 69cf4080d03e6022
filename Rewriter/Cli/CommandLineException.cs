namespace Rewriter.Cli;

/// <summary>
/// A mistake on the command line. <see cref="Program"/> prints it as the one line
/// `rewriter: error: FILE: command line: what` (without FILE when no input was named) and exits 1.
/// </summary>
public sealed class CommandLineException(string what, string? input = null) : Exception(what)
{
    public string What { get; } = what;

    /// <summary>The input named on the command line, when there is one.</summary>
    public string? Input { get; } = input;
}
