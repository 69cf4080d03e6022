using System.Diagnostics;

namespace Rewriter.Diagnostics;

/// <summary>
/// Times the phases of a rewrite for `--time-rewrite`: wall time, the time the garbage collector
/// paused the program and how many collections of each generation it ran, the time the JIT
/// compiled methods the precompiled image lacks (generic code instantiated over our types, say),
/// managed bytes allocated and the process's peak resident memory after each phase.
/// </summary>
public sealed class PhaseTimer
{
    private readonly List<(string Name, TimeSpan Elapsed, Counters? Counters, long PeakResident)> _phases = [];

    /// <summary>Garbage collections by generation (a generation-2 one also counts as 1 and 0 in the runtime's counts: shown as it counts them).</summary>
    private readonly record struct Collections(int Gen0, int Gen1, int Gen2)
    {
        public static Collections Now => new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        public static Collections operator -(Collections a, Collections b) => new(a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2);
        public override string ToString() => $"{Gen0}/{Gen1}/{Gen2}";
    }

    /// <summary>Methods the JIT compiled, on every thread, and the time it took.</summary>
    private readonly record struct Jit(TimeSpan Time, long Methods)
    {
        public static Jit Now => new(System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
        public static Jit operator -(Jit a, Jit b) => new(a.Time - b.Time, a.Methods - b.Methods);
        public override string ToString() => $"{Time.TotalMilliseconds:F1}/{Methods}";
    }

    /// <summary>The runtime's running totals: a phase's share is the difference of two snapshots.</summary>
    private readonly record struct Counters(TimeSpan GcPause, Collections Collections, Jit Jit, long Allocated)
    {
        public static Counters Now => new(GC.GetTotalPauseDuration(), Collections.Now, Jit.Now, GC.GetTotalAllocatedBytes(precise: false));
        public static Counters operator -(Counters a, Counters b) =>
            new(a.GcPause - b.GcPause, a.Collections - b.Collections, a.Jit - b.Jit, a.Allocated - b.Allocated);
    }

    private readonly Stopwatch _total = Stopwatch.StartNew();

    public T Measure<T>(string name, Func<T> phase)
    {
        var before = Counters.Now;
        var watch = Stopwatch.StartNew();
        T result = phase();
        watch.Stop();
        _phases.Add((name, watch.Elapsed, Counters.Now - before, PeakResidentBytes()));
        return result;
    }

    /// <summary>Adds a phase timed elsewhere (a layout pass, say), shown indented under the phase that ran it (its counters are not known: shown as "-").</summary>
    public void Record(string name, TimeSpan elapsed) => _phases.Add(("  " + name, elapsed, null, PeakResidentBytes()));

    /// <summary>Times a step of a larger phase; it is shown indented under that phase, like <see cref="Record"/>.</summary>
    public T MeasureNested<T>(string name, Func<T> step) => Measure("  " + name, step);

    public void Measure(string name, Action phase) => Measure<object?>(name, () => { phase(); return null; });

    public void WriteTable(TextWriter output)
    {
        output.WriteLine("RW-INFO: phase                      time (ms)   GC pause (ms)   GCs (gen 0/1/2)   JIT (ms/methods)   allocated (MiB)   peak RSS (MiB)");
        foreach (var (name, elapsed, counters, peak) in _phases)
            WriteRow(output, name, elapsed, counters, peak);
        WriteRow(output, "total", _total.Elapsed, Counters.Now, PeakResidentBytes());
    }

    private static void WriteRow(TextWriter output, string name, TimeSpan elapsed, Counters? counters, long peak)
    {
        // A phase timed elsewhere ran inside another one: its counters are that phase's, not known alone.
        string gcPause = "-", collections = "-", jit = "-", allocated = "-";
        if (counters is { } known)
            (gcPause, collections, jit, allocated) = ($"{known.GcPause.TotalMilliseconds:F1}", known.Collections.ToString(), known.Jit.ToString(), $"{known.Allocated / 1048576.0:F1}");
        output.WriteLine($"RW-INFO: {name,-24} {elapsed.TotalMilliseconds,11:F1} {gcPause,15} {collections,17} {jit,18} {allocated,17} {peak / 1048576.0,16:F1}");
    }

    /// <summary>VmHWM from /proc/self/status: the high-water mark of resident memory.</summary>
    public static long PeakResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim()) * 1024;
        }
        catch (IOException) { }
        return Environment.WorkingSet;
    }
}
