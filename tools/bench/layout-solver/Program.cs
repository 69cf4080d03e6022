using System.Diagnostics;
using Rewriter.Analysis;
using Rewriter.Diagnostics;
using Rewriter.Discovery;
using Rewriter.Elf.Reading;
using Rewriter.Model;
using Rewriter.Passes.Blocks;
using Rewriter.Profile;

namespace LayoutSolverBench;

/// <summary>
/// Times the ext-tsp block order (ReorderBasicBlocks.ExtTspOrder) of every profiled function of a
/// program, on one thread, after the program is analysed and its profile attached as a rewrite
/// does (lite mode). Prints the best of K passes over all functions, the slowest functions, and
/// a hash of every order: two builds of the solver decide the same layouts when the hashes match.
/// Usage: LayoutSolverBench PROGRAM PROFILE.fdata [--iterations K] [--top N]
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: LayoutSolverBench PROGRAM PROFILE.fdata [--iterations K] [--top N]");
            return 2;
        }
        int iterations = 3, top = 8;
        for (int i = 2; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--iterations") iterations = int.Parse(args[i + 1]);
            else if (args[i] == "--top") top = int.Parse(args[i + 1]);
        }

        using var elf = ElfFile.Open(args[0]);
        var profile = FdataReader.Read(args[1]);
        var context = FunctionDiscovery.Discover(elf, Log.Silent);
        var inProfile = ProfileAttacher.FunctionsInProfile(context, profile);
        BinaryAnalysis.Analyse(context, Environment.ProcessorCount, f => inProfile[f.Id.Value]);
        ProfileAttacher.Attach(context, profile, Log.Silent);
        var layout = new BinaryLayout(context);
        var functions = layout.Functions.Select(l => (Function: context.Functions[l.Function.Value], Layout: l))
            .Where(p => p.Function.HasProfile && !p.Function.BlockCountsUnknown).ToArray();
        Console.WriteLine($"{functions.Length} profiled simple functions, {functions.Sum(p => p.Layout.BlockOrder.Length)} blocks, " +
                          $"largest {functions.Max(p => p.Layout.BlockOrder.Length)} blocks");

        var seconds = new double[functions.Length];
        var best = double.MaxValue;
        ulong hash = 0;
        for (int iteration = 0; iteration < iterations; iteration++)
        {
            ulong passHash = 14695981039346656037UL; // FNV-1a over every order, in function order
            var pass = Stopwatch.StartNew();
            for (int f = 0; f < functions.Length; f++)
            {
                long start = Stopwatch.GetTimestamp();
                var order = ReorderBasicBlocks.ExtTspOrder(functions[f].Function, functions[f].Layout);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
                seconds[f] = iteration == 0 ? elapsed : Math.Min(seconds[f], elapsed);
                foreach (int block in order)
                    passHash = (passHash ^ (uint)block) * 1099511628211UL;
            }
            best = Math.Min(best, pass.Elapsed.TotalSeconds);
            if (iteration > 0 && passHash != hash)
                throw new InvalidOperationException("the orders differ between passes: the solver is not deterministic");
            hash = passHash;
        }
        Console.WriteLine($"ext-tsp over all functions: best of {iterations} passes {best * 1000:F1} ms; orders hash {hash:x16}");
        foreach (int f in Enumerable.Range(0, functions.Length).OrderByDescending(f => seconds[f]).Take(top))
            Console.WriteLine($"  {seconds[f] * 1000,9:F2} ms  {functions[f].Layout.BlockOrder.Length,6} blocks  {functions[f].Function.Name}");
        return 0;
    }
}
