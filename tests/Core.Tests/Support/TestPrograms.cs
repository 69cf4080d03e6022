using System.Diagnostics;

namespace Rewriter.Tests.Support;

/// <summary>
/// Small programs compiled once per test run with the real toolchain, in a private temp folder.
/// </summary>
public static class TestPrograms
{
    private static readonly Lazy<string> Directory = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"rewriter-core-tests-{Environment.ProcessId}");
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    });
    private static readonly Dictionary<string, string> Built = new();
    private static readonly Lock BuildLock = new();

    public const string HelloC = """
        #include <stdio.h>
        #include <stdlib.h>
        static int square(int x) { return x * x; }
        int (*volatile op)(int) = square;
        int main(int argc, char **argv) {
            int total = 0;
            for (int i = 0; i < argc * 10; i++) total += op(i) % 7;
            printf("total %d\n", total);
            fprintf(stderr, "to stderr\n");
            return total % 5;
        }
        """;

    /// <summary>Compiles <paramref name="source"/> with <paramref name="flags"/>; cached by both.</summary>
    public static string Build(string name, string source, string compiler, string flags)
    {
        lock (BuildLock)
        {
            string key = $"{name}|{compiler}|{flags}";
            if (Built.TryGetValue(key, out var existing))
                return existing;
            string extension = compiler.Contains("++") ? "cpp" : "c";
            string sourcePath = Path.Combine(Directory.Value, $"{name}.{extension}");
            File.WriteAllText(sourcePath, source);
            string output = Path.Combine(Directory.Value, $"{name}-{Built.Count}");
            Run(compiler, $"{flags} {sourcePath} -o {output}");
            Built[key] = output;
            return output;
        }
    }

    public static string Hello(string flags = "-O2 -g") => Build("hello", HelloC, "clang-22", flags);

    public static string TempPath(string name) => Path.Combine(Directory.Value, $"{name}-{Guid.NewGuid():N}");

    public static (int ExitCode, string Stdout, string Stderr) Run(string program, string arguments, bool check = true)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = StartRetryingWhileBusy(info);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {arguments} did not finish");
        }
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} failed ({process.ExitCode}): {stderr.Result}");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private const int TextFileBusy = 26; // ETXTBSY

    /// <summary>
    /// Starts a program this test process has just written. Tests run in parallel, and a child
    /// forked by another test holds the new file's write descriptor until it execs, so exec
    /// can briefly fail with ETXTBSY; the file is complete, so waiting and retrying is correct.
    /// </summary>
    private static Process StartRetryingWhileBusy(ProcessStartInfo info)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 50)
            {
                Thread.Sleep(10 * attempt);
            }
        }
    }
}
