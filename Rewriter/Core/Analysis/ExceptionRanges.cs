using Rewriter.Cfg;
using Rewriter.Model;

namespace Rewriter.Analysis;

/// <summary>The call-site ranges and landing pads of a function, from its FDE's LSDA.</summary>
public static class ExceptionRanges
{
    public static IReadOnlyList<CallSite> Read(BinaryContext context, BinaryFunction function)
    {
        if (function.Fde?.Lsda is not { } lsda)
            return [];
        // Until the LSDA reader is wired in, a function with exception ranges is kept whole.
        function.MarkNonSimple($"has an LSDA at 0x{lsda:x} (exception ranges are not read yet)");
        return [];
    }
}
