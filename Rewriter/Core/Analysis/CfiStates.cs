using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Model;

namespace Rewriter.Analysis;

/// <summary>Evaluates a function's FDE, and records the CFI state in effect at each block's start.</summary>
public static class CfiStates
{
    /// <summary>The function's CFI rows, or null without an FDE (or, marked non-simple, when they cannot be replayed).</summary>
    public static CfiTable? Evaluate(CfiInterpreter? interpreter, BinaryFunction function)
    {
        if (function.Fde is not { } fde || interpreter == null)
            return null;
        try
        {
            var table = interpreter.Evaluate(fde);
            if (table.HasRowsPastEnd)
                function.MarkNonSimple("CFI changes state past the end of its FDE");
            return table;
        }
        catch (InputFormatException e)
        {
            function.MarkNonSimple($"CFI cannot be replayed: {e.Message}");
            return null;
        }
    }

    public static void AttachToBlocks(FunctionBody body, CfiTable? table)
    {
        body.Cfi = table;
        if (table == null)
            return;
        foreach (var block in body.Blocks)
            if (block.Address >= table.Start && block.Address < table.End)
                block.CfiStateAtStart = table.StateIndexAt(block.Address);
    }
}
