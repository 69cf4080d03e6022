using McMaster.Extensions.CommandLineUtils;
using Rewriter.Diagnostics;

namespace Rewriter.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the command line with explicit streams so tests can run it in process.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var app = CommandLine.Build(stdout, stderr);
        try
        {
            return app.Execute(args);
        }
        catch (CommandParsingException e)
        {
            stderr.WriteLine($"rewriter: error: {e.Message}");
            return 1;
        }
    }
}
