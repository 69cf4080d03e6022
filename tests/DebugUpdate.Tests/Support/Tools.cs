using System.Diagnostics;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>Runs the LLVM tools the tests compare against.</summary>
public static class Tools
{
    public const string Clang = "clang-22";
    public const string Clangxx = "clang++-22";
    public const string Gcc = "gcc";
    public const string Gxx = "g++";
    public const string DwarfDump = "llvm-dwarfdump-22";
    public const string Dwp = "llvm-dwp-22";

    // A compiler or dumper that hangs on some input must fail its test, not stall the suite.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly Lazy<bool> ClangPresent = new(() => Find(Clang) is not null);

    public static bool HasClang => ClangPresent.Value;

    public static string? Find(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    public static string Run(string tool, string workingDirectory, params string[] arguments) =>
        RunTolerating(tool, workingDirectory, tolerated: null, arguments);

    /// <summary>
    /// Runs a tool whose failure is accepted when every line it wrote to stderr matches
    /// <paramref name="tolerated"/> (its stdout is then still complete).
    /// </summary>
    public static string RunTolerating(string tool, string workingDirectory, System.Text.RegularExpressions.Regex? tolerated, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        bool toleratedFailure = tolerated is not null
            && stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).All(tolerated.IsMatch);
        if (process.ExitCode != 0 && !toleratedFailure)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        return stdout.Result;
    }
}
