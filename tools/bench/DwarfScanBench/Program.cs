using System.Diagnostics;
using Rewriter.DebugUpdate.Reading;

namespace DwarfScanBench;

/// <summary>
/// Scans every DIE and decodes every attribute of a file's .debug_info (and .debug_types), on one
/// thread and on N threads, and prints MB/s beside the time llvm-dwarfdump-22 --statistics takes.
/// Usage: DwarfScanBench FILE [--threads N] [--iterations K]
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: DwarfScanBench FILE [--threads N] [--iterations K]");
            return 2;
        }
        string file = args[0];
        int threads = Environment.ProcessorCount;
        int iterations = 5;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--threads") threads = int.Parse(args[i + 1]);
            else if (args[i] == "--iterations") iterations = int.Parse(args[i + 1]);
        }

        var sections = MiniElf.Load(file);
        long infoBytes = sections.Get(DebugSectionNames.Info).Length + sections.Get(DebugSectionNames.Types).Length;
        double megabytes = infoBytes / 1e6;
        Console.WriteLine($"{file}: .debug_info+.debug_types = {megabytes:F1} MB");

        var (dies, attributes, _) = Scan(sections, 1, decodeAttributes: true); // warm up (JIT, page cache)
        Console.WriteLine($"{dies:N0} DIEs, {attributes:N0} attributes");

        Report("index only (fixed-size skipping), 1 thread", sections, 1, false, iterations, megabytes);
        Report("index, then decode every attribute per DIE, 1 thread", sections, 1, true, iterations, megabytes);
        Report("sequential scan decoding every attribute, 1 thread", sections, 1, null, iterations, megabytes);
        if (threads > 1)
            Report($"sequential scan decoding every attribute, {threads} threads", sections, threads, null, iterations, megabytes);

        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var process = Process.Start(new ProcessStartInfo("llvm-dwarfdump-22", ["--statistics", file])
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            })!;
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Console.WriteLine($"llvm-dwarfdump-22 --statistics: {stopwatch.Elapsed.TotalSeconds:F3} s ({megabytes / stopwatch.Elapsed.TotalSeconds:F0} MB/s of .debug_info)");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("llvm-dwarfdump-22 not found");
        }
        return 0;
    }

    private static void Report(string label, DebugSections sections, int threads, bool? decode, int iterations, double megabytes)
    {
        double best = double.MaxValue;
        for (int i = 0; i < iterations; i++)
        {
            var (_, _, seconds) = Scan(sections, threads, decode);
            best = Math.Min(best, seconds);
        }
        Console.WriteLine($"{label}: {best:F3} s, {megabytes / best:F0} MB/s (best of {iterations})");
    }

    private static (long Dies, long Attributes, double Seconds) Scan(DebugSections sections, int threads, bool? decodeAttributes)
    {
        var stopwatch = Stopwatch.StartNew();
        var file = DwarfFile.Open(sections);
        long dies = 0, attributes = 0;
        ulong checksum = 0;
        Parallel.ForEach(file.Units, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => (0L, 0L, 0UL),
            (unit, _, local) =>
            {
                if (decodeAttributes is null)
                {
                    var scanner = unit.Scan();
                    while (scanner.NextDie())
                    {
                        local.Item1++;
                        while (scanner.NextAttribute(out var value))
                        {
                            local.Item2++;
                            local.Item3 += value.Value;
                        }
                    }
                    return local;
                }
                var index = unit.Dies;
                local.Item1 += index.Count;
                if (decodeAttributes == true)
                {
                    for (int die = 0; die < index.Count; die++)
                    {
                        foreach (var attribute in unit.Attributes(die))
                        {
                            local.Item2++;
                            local.Item3 += attribute.Value; // keep the decode observable
                        }
                    }
                }
                unit.ReleaseDies();
                return local;
            },
            local =>
            {
                Interlocked.Add(ref dies, local.Item1);
                Interlocked.Add(ref attributes, local.Item2);
                Interlocked.Add(ref Unsafe(ref checksum), (long)local.Item3);
            });
        return (dies, attributes, stopwatch.Elapsed.TotalSeconds);
    }

    private static ref long Unsafe(ref ulong value) => ref System.Runtime.CompilerServices.Unsafe.As<ulong, long>(ref value);
}
