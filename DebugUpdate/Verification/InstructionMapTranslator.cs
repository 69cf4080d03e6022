using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Translates through the address map a code-moving rewrite stores in its output: the output
/// address of every instruction of the moved functions, and where each function's fragments
/// (hot, cold) went. Code outside the moved functions stayed where it was.
/// </summary>
/// <remarks>
/// An input range maps to the output bytes of the instructions that start inside it; an
/// instruction's output bytes run to the next instruction start of its fragment (so a jump the
/// rewriter added after it counts as its own). An instruction the rewriter dropped shares its
/// output address with the instruction that follows it and covers no output bytes.
/// </remarks>
public sealed class InstructionMapTranslator : IRangeTranslator
{
    /// <summary>Where one fragment of a moved function went.</summary>
    public readonly record struct Fragment(ulong InputStart, ulong InputEnd, ulong OutputStart, ulong OutputSize);

    private readonly ulong[] _inputs;          // sorted instruction starts of moved code
    private readonly ulong[] _outputs;         // their output addresses
    private readonly ulong[] _outputEnds;      // end of each instruction's output bytes (= start when dropped)
    private readonly List<AddressRange> _moved; // input ranges of the moved functions, normalized

    public InstructionMapTranslator(IEnumerable<(ulong Input, ulong Output)> instructions, IEnumerable<Fragment> fragments)
    {
        var pairs = instructions.OrderBy(p => p.Input).ToArray();
        _inputs = pairs.Select(p => p.Input).ToArray();
        _outputs = pairs.Select(p => p.Output).ToArray();
        var fragmentList = fragments.ToList();
        _moved = AddressRange.Normalize(fragmentList.Select(f => new AddressRange(f.InputStart, f.InputEnd)).ToList());
        _outputEnds = OutputEnds(_inputs, _outputs, fragmentList);
    }

    public int InstructionCount => _inputs.Length;

    public bool TryTranslate(ulong inputAddress, out ulong outputAddress)
    {
        int index = Array.BinarySearch(_inputs, inputAddress);
        if (index >= 0)
        {
            outputAddress = _outputs[index];
            return true;
        }
        // Inside a moved function but not an instruction start: there is no output address.
        outputAddress = inputAddress;
        return !AddressMapping.Contains(_moved, inputAddress);
    }

    public bool TryTranslateRange(AddressRange inputRange, List<AddressRange> outputRanges)
    {
        ulong position = inputRange.Start;
        foreach (var moved in _moved)
        {
            if (moved.End <= position)
                continue;
            if (moved.Start >= inputRange.End)
                break;
            if (moved.Start > position)
                outputRanges.Add(new AddressRange(position, moved.Start)); // code that stayed
            ulong start = Math.Max(position, moved.Start), end = Math.Min(inputRange.End, moved.End);
            for (int i = LowerBound(_inputs, start); i < _inputs.Length && _inputs[i] < end; i++)
                if (_outputEnds[i] > _outputs[i])
                    outputRanges.Add(new AddressRange(_outputs[i], _outputEnds[i]));
            position = end;
        }
        if (position < inputRange.End)
            outputRanges.Add(new AddressRange(position, inputRange.End));
        return true;
    }

    private static ulong[] OutputEnds(ulong[] inputs, ulong[] outputs, List<Fragment> fragments)
    {
        // Instruction starts in output order, each with the end of the fragment holding it.
        var order = Enumerable.Range(0, outputs.Length).OrderBy(i => outputs[i]).ThenBy(i => inputs[i]).ToArray();
        var fragmentEnds = fragments.Select(f => (Start: f.OutputStart, End: f.OutputStart + f.OutputSize)).OrderBy(f => f.Start).ToArray();
        var ends = new ulong[outputs.Length];
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            ulong fragmentEnd = FragmentEnd(fragmentEnds, outputs[i]);
            // Several inputs at one output address: all but the last (in input order) were dropped.
            if (k + 1 < order.Length && outputs[order[k + 1]] == outputs[i])
                ends[i] = outputs[i];
            else if (k + 1 < order.Length && outputs[order[k + 1]] < fragmentEnd)
                ends[i] = outputs[order[k + 1]];
            else
                ends[i] = Math.Max(outputs[i], fragmentEnd);
        }
        return ends;
    }

    private static ulong FragmentEnd((ulong Start, ulong End)[] fragments, ulong output)
    {
        int lo = 0, hi = fragments.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (fragments[mid].Start <= output)
            {
                found = mid;
                lo = mid + 1;
            }
            else
                hi = mid - 1;
        }
        return found >= 0 && output <= fragments[found].End ? fragments[found].End : output;
    }

    private static int LowerBound(ulong[] values, ulong key)
    {
        int index = Array.BinarySearch(values, key);
        return index >= 0 ? index : ~index;
    }
}
