using System.Diagnostics;
using Rewriter.DebugUpdate.Reading;

namespace DwarfScanBench;

/// <summary>
/// Scans every DIE and decodes every attribute of a file's .debug_info (and .debug_types), on one
/// thread and on N threads, and prints MB/s beside the time llvm-dwarfdump-22 --statistics takes.
/// Every figure includes opening the file (unit headers, abbreviation tables, root DIEs).
/// Usage: DwarfScanBench FILE [--threads N] [--iterations K]
/// </summary>
internal static class Program
{
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    private static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: DwarfScanBench FILE [--threads N] [--iterations K]");
            return 2;
        }
        string file = args[0];
        int threads = Environment.ProcessorCount;
        int iterations = 20;
        for (int i = 1; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--threads") threads = int.Parse(args[i + 1]);
            else if (args[i] == "--iterations") iterations = int.Parse(args[i + 1]);
        }

        var sections = MiniElf.Load(file);
        long infoBytes = sections.Get(DebugSectionNames.Info).Length + sections.Get(DebugSectionNames.Types).Length;
        double megabytes = infoBytes / 1e6;
        Console.WriteLine($"{file}: .debug_info+.debug_types = {megabytes:F1} MB");

        // Measure steady-state code: run every mode until the JIT has had time to reach its
        // optimized tier (the shipped rewriter is ReadyToRun, so it never runs unoptimized code).
        var counts = default(Counts);
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < WarmUp)
            foreach (var mode in Enum.GetValues<Mode>())
                counts = Scan(sections, Math.Min(threads, 2), mode).Counts;
        Console.WriteLine($"{counts.Dies:N0} DIEs, {counts.Attributes:N0} attributes, {Environment.ProcessorCount} cores");

        Report("index only (fixed-size skipping), 1 thread", sections, 1, Mode.IndexOnly, iterations, megabytes);
        Report("index, then decode every attribute per DIE, 1 thread", sections, 1, Mode.IndexThenDecode, iterations, megabytes);
        Report("full scan: every DIE and attribute, 1 thread", sections, 1, Mode.Sequential, iterations, megabytes);
        for (int n = 2; n <= threads; n *= 2)
            Report($"full scan: every DIE and attribute, {n} threads", sections, n, Mode.Sequential, iterations, megabytes);

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

    private enum Mode { IndexOnly, IndexThenDecode, Sequential }

    private struct Counts
    {
        public long Dies, Attributes;
        public ulong Checksum; // keeps every decoded value observable
    }

    private static void Report(string label, DebugSections sections, int threads, Mode mode, int iterations, double megabytes)
    {
        // Wall time is what a user sees; on a shared machine other processes inflate it, so the
        // process CPU time (all threads) is printed too: per thread, it is the time actually run.
        double best = double.MaxValue, total = 0, bestCpu = double.MaxValue;
        for (int i = 0; i < iterations; i++)
        {
            double cpuBefore = ProcessCpuSeconds();
            double seconds = Scan(sections, threads, mode).Seconds;
            bestCpu = Math.Min(bestCpu, (ProcessCpuSeconds() - cpuBefore) / threads);
            best = Math.Min(best, seconds);
            total += seconds;
        }
        Console.WriteLine($"{label}: best {best * 1000:F1} ms = {megabytes / best:F0} MB/s, mean {megabytes / (total / iterations):F0} MB/s ({iterations} runs); " +
            $"CPU time per thread, best {bestCpu * 1000:F1} ms = {megabytes / bestCpu:F0} MB/s");
    }

    // Process.TotalProcessorTime counts in 10 ms ticks on Linux; a scan takes about that long.
    private static double ProcessCpuSeconds()
    {
        const int ClockProcessCpuTimeId = 2;
        if (ClockGetTime(ClockProcessCpuTimeId, out var time) != 0)
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        return time.Seconds + time.Nanoseconds / 1e9;
    }

    private struct TimeSpec
    {
        public long Seconds, Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private static (Counts Counts, double Seconds) Scan(DebugSections sections, int threads, Mode mode)
    {
        var stopwatch = Stopwatch.StartNew();
        var file = DwarfFile.Open(sections);
        var counts = default(Counts);
        if (threads == 1)
        {
            foreach (var unit in file.Units)
                ScanUnit(unit, mode, ref counts);
        }
        else
        {
            object gate = new();
            Parallel.ForEach(file.Units, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => default(Counts),
                (unit, _, local) =>
                {
                    ScanUnit(unit, mode, ref local);
                    return local;
                },
                local =>
                {
                    lock (gate)
                    {
                        counts.Dies += local.Dies;
                        counts.Attributes += local.Attributes;
                        counts.Checksum += local.Checksum;
                    }
                });
        }
        return (counts, stopwatch.Elapsed.TotalSeconds);
    }

    private static void ScanUnit(DwarfUnit unit, Mode mode, ref Counts counts)
    {
        if (mode == Mode.Sequential)
        {
            var scanner = unit.Scan();
            while (scanner.NextDie())
            {
                counts.Dies++;
                while (scanner.NextAttribute(out var value))
                {
                    counts.Attributes++;
                    counts.Checksum += value.Value;
                }
            }
            return;
        }
        var index = unit.Dies;
        counts.Dies += index.Count;
        if (mode == Mode.IndexThenDecode)
        {
            for (int die = 0; die < index.Count; die++)
            {
                foreach (var attribute in unit.Attributes(die))
                {
                    counts.Attributes++;
                    counts.Checksum += attribute.Value;
                }
            }
        }
        unit.ReleaseDies();
    }
}
