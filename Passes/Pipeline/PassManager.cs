using System.Diagnostics;

namespace Rewriter.Passes;

/// <summary>Wall time of one pass, for the `--time-rewrite` table.</summary>
public readonly record struct PassTiming(string Name, TimeSpan Elapsed);

/// <summary>Runs passes in order, times each one and honours `--print-after`.</summary>
public sealed class PassManager(IReadOnlyList<IBinaryPass> passes)
{
    public IReadOnlyList<IBinaryPass> Passes { get; } = passes;

    /// <summary>Runs every pass once, in order; returns their wall times in the same order.</summary>
    public IReadOnlyList<PassTiming> Run(PassContext context)
    {
        string? printAfter = context.Options.PrintAfter;
        if (printAfter != null && !Passes.Any(p => p.Name == printAfter))
            context.Log.Warning($"--print-after: no pass named '{printAfter}' (passes: {string.Join(", ", Passes.Select(p => p.Name))})");

        var timings = new List<PassTiming>(Passes.Count);
        foreach (var pass in Passes)
        {
            var watch = Stopwatch.StartNew();
            pass.Run(context);
            watch.Stop();
            timings.Add(new PassTiming(pass.Name, watch.Elapsed));
            if (pass.Name == printAfter)
                LayoutPrinter.Print(context, pass.Name);
        }
        return timings;
    }
}
