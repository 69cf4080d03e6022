using Rewriter.Diagnostics;

namespace Rewriter.Cli;

/// <summary>
/// Turns exceptions into the one-line `rewriter: error: FILE: where: what` and exit code 1.
/// Anything else is a bug of ours: an internal error, with its stack trace under -v.
/// </summary>
public static class ErrorReporting
{
    public const int BadInput = 1;
    public const int InternalError = 2;

    public static int Run(string file, bool verbose, TextWriter stderr, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (InputFormatException e)
        {
            stderr.WriteLine($"rewriter: error: {e.File ?? file}: {e.Where}: {e.What}");
            return BadInput;
        }
        catch (FileAccessException e)
        {
            stderr.WriteLine($"rewriter: error: {e.Path}: {e.Where}: {e.What}");
            return BadInput;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"rewriter: error: {file}: internal error: {e.GetType().Name}: {e.Message}");
            if (verbose)
                stderr.WriteLine(e.ToString());
            return InternalError;
        }
    }
}
