using Rewriter.Cfg;
using Rewriter.Diagnostics;
using Rewriter.Discovery;
using Rewriter.Disassembly;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
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
        Analyse(context, threads, selected: null);
        return context;
    }

    /// <summary>
    /// Disassembles and builds the CFG of every discovered function, or only of those
    /// <paramref name="selected"/> says yes to (lite mode: the functions with a profile); the
    /// others are marked <see cref="BinaryFunction.IsSkipped"/> and stay as they are, but are
    /// still decoded, so that their references to code that moves can be pointed at its new place.
    /// </summary>
    public static void Analyse(BinaryContext context, int threads, Func<BinaryFunction, bool>? selected)
    {
        var elf = context.Elf;
        var ehFrame = elf.FindSection(".eh_frame");
        var cfi = ehFrame is { Header.HasFileContents: true } ? new CfiInterpreter(elf.GetRawMemory(ehFrame), ehFrame.Header.Address) : null;
        if (selected != null)
            foreach (var function in context.Functions)
                if (function.Kind != FunctionKind.Plt && !selected(function))
                    function.IsSkipped = true;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        Parallel.For(0, context.Functions.Count, options, i => AnalyzeFunction(context, cfi, context.Functions[i]));
    }

    private static void AnalyzeFunction(BinaryContext context, CfiInterpreter? cfi, BinaryFunction function)
    {
        if (function.Kind == FunctionKind.Plt)
            return;
        var body = FunctionDisassembler.Disassemble(context, function);
        if (body == null)
            return;
        function.Body = body;
        if (function.IsSkipped)
            return; // decoded only: no layout, so no CFG
        var callSites = ExceptionRanges.Read(context, function);
        var cfiTable = CfiStates.Evaluate(cfi, function);
        if (!function.IsSimple)
            return;
        CfgBuilder.Build(context, function, body, callSites, cfiTable);
        if (function.IsSimple)
            CfiStates.AttachToBlocks(body, cfiTable);
    }
}
