using Rewriter.Cfg;
using Rewriter.Diagnostics;
using Rewriter.Discovery;
using Rewriter.Disassembly;
using Rewriter.Model;

namespace Rewriter.Analysis;

/// <summary>
/// Builds the model passes work on: discovers functions, then disassembles each one and builds
/// its CFG in parallel. Each task writes only its own function, so the result does not depend
/// on the thread count.
/// </summary>
public static class BinaryAnalysis
{
    public static BinaryContext Run(Elf.Reading.ElfFile elf, int threads, Log log)
    {
        var context = FunctionDiscovery.Discover(elf, log);
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, context.Functions.Count, options, i => AnalyzeFunction(context, context.Functions[i]));
        return context;
    }

    private static void AnalyzeFunction(BinaryContext context, BinaryFunction function)
    {
        if (function.Kind == FunctionKind.Plt)
            return;
        var body = FunctionDisassembler.Disassemble(context, function);
        if (body == null)
            return;
        function.Body = body;
        var callSites = ExceptionRanges.Read(context, function);
        if (!function.IsSimple)
            return;
        CfgBuilder.Build(context, function, body, callSites);
    }
}
