using Rewriter.DebugUpdate.Addresses;
using Rewriter.CallFrames;

namespace Rewriter.DebugUpdate.Frames;

/// <summary>
/// The CFI rows one output fragment of a moved function needs: at each of its instructions the
/// state the instruction had in the input, and after an instruction whose coverage runs past its
/// own bytes (a jump the layout added) the state its input successor starts with, since the
/// added jump runs after it.
/// </summary>
internal static class FragmentRows
{
    /// <param name="instructions">(input, output) of the function's instructions with bytes, in input order</param>
    public static List<(ulong Address, CfiState State)> Of(CfiTable cfi, CodeAddressMap.Fragment fragment,
        List<(ulong Input, ulong Output)> instructions, CodeAddressMap map)
    {
        // Input order tells each instruction's successor; output order is the rows' order.
        var inFragment = new List<(ulong Input, ulong Output, ulong Successor)>();
        for (int i = 0; i < instructions.Count; i++)
        {
            var (input, output) = instructions[i];
            if (output >= fragment.OutputStart && output < fragment.OutputEnd)
                inFragment.Add((input, output, i + 1 < instructions.Count ? instructions[i + 1].Input : fragment.InputEnd));
        }
        inFragment.Sort((a, b) => a.Output.CompareTo(b.Output));

        var rows = new List<(ulong, CfiState)>(inFragment.Count);
        for (int i = 0; i < inFragment.Count; i++)
        {
            var (input, output, successor) = inFragment[i];
            rows.Add((output, StateAt(cfi, input)));
            ulong coverageEnd = i + 1 < inFragment.Count ? inFragment[i + 1].Output : fragment.OutputEnd;
            if (map.TryTranslateEnd(new InputAddress(successor), out var ownEnd) && ownEnd.Value > output && ownEnd.Value < coverageEnd)
                rows.Add((ownEnd.Value, StateAt(cfi, successor)));
        }
        return rows;
    }

    /// <summary>Code of the function outside its FDE takes the nearest state the FDE gives (as Core's .eh_frame rebuild does).</summary>
    private static CfiState StateAt(CfiTable cfi, ulong input) => cfi.StateAt(Math.Clamp(input, cfi.Start, cfi.End - 1));
}
