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
        string? input = null;
        try
        {
            var parsed = LlvmStyleArguments.Normalize(app, args);
            input = parsed.Input;
            var log = new Log(stderr, verbose: false);
            foreach (var warning in parsed.Warnings)
                log.Warning(warning);
            return app.Execute(parsed.Arguments);
        }
        catch (CommandLineException e)
        {
            return Refuse(stderr, e.Input ?? input, e.What);
        }
        catch (CommandParsingException e)
        {
            return Refuse(stderr, input, e.Message);
        }
    }

    private static int Refuse(TextWriter stderr, string? input, string what)
    {
        stderr.WriteLine(input is null ? $"rewriter: error: command line: {what}" : $"rewriter: error: {input}: command line: {what}");
        return ErrorReporting.BadInput;
    }
}
