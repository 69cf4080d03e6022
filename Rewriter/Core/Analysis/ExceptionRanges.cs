using Rewriter.Cfg;
using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Model;

namespace Rewriter.Analysis;

/// <summary>The call-site ranges and landing pads of a function, from its FDE's LSDA.</summary>
public static class ExceptionRanges
{
    public static IReadOnlyList<CallSite> Read(BinaryContext context, BinaryFunction function)
    {
        if (function.Fde is not { Lsda: not null } fde)
            return [];
        Lsda lsda;
        try
        {
            lsda = LsdaReader.Read(context.Elf, fde);
        }
        catch (InputFormatException e)
        {
            // A corrupt LSDA concerns this function only: keep it as it is.
            function.MarkNonSimple($"unreadable LSDA: {e.Message}");
            return [];
        }
        if (lsda.Problems != LsdaProblems.None)
        {
            function.MarkNonSimple($"LSDA problem: {lsda.Problems}");
            return [];
        }
        function.Lsda = lsda;
        return lsda.CallSites.Select(site => new CallSite(site.Start, site.End, site.LandingPad ?? 0)).ToList();
    }
}
