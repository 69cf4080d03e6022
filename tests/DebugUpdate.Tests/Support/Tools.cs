using System.Diagnostics;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>Runs the LLVM tools the tests compare against.</summary>
public static class Tools
{
    public const string Clang = "clang-22";
    public const string Clangxx = "clang++-22";
    public const string DwarfDump = "llvm-dwarfdump-22";
    public const string Dwp = "llvm-dwp-22";

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

    public static string Run(string tool, string workingDirectory, params string[] arguments)
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
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr.Result}");
        return stdout;
    }
}
