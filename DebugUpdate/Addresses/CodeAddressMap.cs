using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Rewriter.Common;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Addresses;

/// <summary>
/// The contract between code emission and the debug update: where every instruction of the moved
/// code went, and where each moved function's fragments (hot, cold) went. Code outside the moved
/// functions stayed where it was. Immutable; safe to share between threads.
/// </summary>
/// <remarks>
/// Two ends per instruction. Its <em>coverage</em> runs to the next instruction start of its
/// fragment (a jump the rewriter added after it counts as its own), so that a scope's output ranges
/// tile its fragments without holes. Its <em>exact</em> end is the end of its own encoded bytes: a
/// call's return address. An instruction the rewriter dropped shares its output address with the
/// instruction that follows it and covers no output bytes.
/// </remarks>
public sealed class CodeAddressMap : IRangeTranslator
{
    /// <summary>Where one fragment of a moved function went: the function's input range, the fragment's output range.</summary>
    public readonly record struct Fragment(ulong InputStart, ulong InputEnd, ulong OutputStart, ulong OutputSize, bool IsCold = false)
    {
        public ulong OutputEnd => OutputStart + OutputSize;
    }

    private readonly ulong[] _inputs;          // sorted instruction starts of moved code
    private readonly ulong[] _outputs;         // their output addresses
    private readonly ulong[] _coverageEnds;    // end of each instruction's output coverage (= start when dropped)
    private readonly ulong[] _exactEnds;       // end of each instruction's own output bytes
    private readonly int[] _runEnds;           // per instruction, the index just past its run of instructions laid out one after another
    private readonly int[] _outputOrder;       // every instruction, by output address (ties by input address)
    private readonly AddressRange[] _moved;    // input ranges of the moved functions, normalized
    private readonly Fragment[] _byInput;      // the fragments by input function start
    private readonly Lazy<(ulong[] Outputs, int[] Instructions)> _byOutput; // instructions with bytes, by output address (for the verifier)
    private readonly PagedLowerBound _inputSearch;  // over _inputs
    private readonly PagedLowerBound _movedSearch;  // over the ends of _moved (ascending: the ranges are disjoint and sorted)

    /// <summary>The map of a rewrite that moved no code: every address stays.</summary>
    public static CodeAddressMap Identity { get; } = new();

    // PERF: what the general constructor makes of no instructions and no fragments, without its
    // sorting (LINQ generics the runtime would compile just for this).
    private CodeAddressMap()
    {
        _inputs = _outputs = _coverageEnds = _exactEnds = [];
        _runEnds = _outputOrder = [];
        _moved = [];
        _byInput = [];
        Fragments = _byInput;
        _byOutput = new Lazy<(ulong[], int[])>(([], []));
        _inputSearch = _movedSearch = new PagedLowerBound([]);
    }

    /// <param name="inputs">instruction starts of moved code (any order; dropped instructions included)</param>
    /// <param name="outputs">their output addresses</param>
    /// <param name="exactEnds">the end of each instruction's own bytes, or null to use its coverage</param>
    /// <param name="fragments">every output fragment of every moved function</param>
    public CodeAddressMap(ulong[] inputs, ulong[] outputs, ulong[]? exactEnds, IEnumerable<Fragment> fragments)
        : this(new Columns((ulong[])inputs.Clone(), (ulong[])outputs.Clone(), (ulong[]?)exactEnds?.Clone(), Owned: true), fragments)
    {
    }

    /// <summary>
    /// As the constructor, reading the columns given where they are instead of copying them (they
    /// are immutable; when they are not in input order the map sorts copies).
    /// </summary>
    public static CodeAddressMap Share(ImmutableArray<ulong> inputs, ImmutableArray<ulong> outputs, ImmutableArray<ulong>? exactEnds, IEnumerable<Fragment> fragments) =>
        new(new Columns(ImmutableCollectionsMarshal.AsArray(inputs)!, ImmutableCollectionsMarshal.AsArray(outputs)!,
            exactEnds is { } ends ? ImmutableCollectionsMarshal.AsArray(ends) : null, Owned: false), fragments);

    /// <summary>The per-instruction arrays of a map: its own copies (Owned), or shared ones it never writes.</summary>
    private readonly record struct Columns(ulong[] Inputs, ulong[] Outputs, ulong[]? ExactEnds, bool Owned);

    private CodeAddressMap(Columns columns, IEnumerable<Fragment> fragments)
    {
        var (inputs, outputs, exactEnds, owned) = columns;
        if (inputs.Length != outputs.Length || (exactEnds != null && exactEnds.Length != inputs.Length))
            throw new ArgumentException("every input instruction needs one output address (and end)");
        // PERF: a program whose every function moved has millions of instructions here; emission's
        // map is already in input order.
        _inputs = inputs;
        _outputs = outputs;
        ulong[]? ends = exactEnds;
        if (!IsAscending(inputs))
        {
            _inputs = owned ? inputs : (ulong[])inputs.Clone(); // sorted in place
            var order = KeySort.SortCarryingIndexes(_inputs);
            _outputs = KeySort.Permute(outputs, order);
            ends = exactEnds != null ? KeySort.Permute(exactEnds, order) : null;
        }
        var sortedFragments = fragments.OrderBy(f => f.OutputStart).ToArray();
        Fragments = sortedFragments;
        _moved = AddressRange.Normalize(sortedFragments.Select(f => new AddressRange(f.InputStart, f.InputEnd))).ToArray();
        _byInput = sortedFragments.OrderBy(f => f.InputStart).ThenBy(f => f.OutputStart).ToArray();
        _outputOrder = OutputOrder.Of(_outputs, ends);
        _coverageEnds = CoverageEnds(_outputs, _outputOrder, ends, sortedFragments);
        _exactEnds = ends ?? _coverageEnds;
        _runEnds = RunEnds(_outputs, _coverageEnds);
        _inputSearch = new PagedLowerBound(_inputs);
        _movedSearch = new PagedLowerBound(Array.ConvertAll(_moved, range => range.End));
        _byOutput = new Lazy<(ulong[], int[])>(() =>
        {
            var withBytes = Array.FindAll(_outputOrder, i => _coverageEnds[i] > _outputs[i]);
            return (Array.ConvertAll(withBytes, i => _outputs[i]), withBytes);
        });
    }

    /// <summary>The fragments, in output address order.</summary>
    public IReadOnlyList<Fragment> Fragments { get; }

    public int InstructionCount => _inputs.Length;

    public bool MovesCode => _moved.Length > 0;

    /// <summary>True when <paramref name="input"/> lies inside a function whose code moved.</summary>
    public bool IsMoved(InputAddress input) => FindMoved(input.Value) >= 0;

    /// <summary>True when some moved code lies inside [start, end).</summary>
    public bool TouchesMovedCode(ulong start, ulong end)
    {
        int index = LowerBoundByEnd(start);
        return index < _moved.Length && _moved[index].Start < end;
    }

    /// <summary>
    /// True when moved code is at <paramref name="address"/> or just before it: only then may the
    /// address mean something else in the output, as a point (a scope start) or as an end (a
    /// return address, a high_pc).
    /// </summary>
    public bool MovesNear(ulong address) => TouchesMovedCode(address == 0 ? 0 : address - 1, Math.Max(address + 1, address));

    /// <summary>True for a map of a rewrite that moved no code: every address translates to itself.</summary>
    public bool MovesNoCode => _inputs.Length == 0 && _moved.Length == 0;

    public bool TryTranslate(InputAddress input, out OutputAddress output)
    {
        int index = IndexOf(input.Value);
        if (index >= 0)
        {
            output = new OutputAddress(_outputs[index]);
            return true;
        }
        output = input.Value.AsOutput();
        return FindMoved(input.Value) < 0;
    }

    /// <summary>
    /// The output address just past the instruction that ends at <paramref name="end"/> (a call's
    /// return address, a scope's end): the end of that instruction's own bytes. Code that stayed
    /// keeps its address. False when no instruction of moved code ends there.
    /// </summary>
    public bool TryTranslateEnd(InputAddress end, out OutputAddress output)
    {
        output = end.Value.AsOutput();
        if (end.Value == 0 || FindMoved(end.Value - 1) is var function && function < 0)
            return true;
        int last = _inputSearch.LowerBound(end.Value) - 1;
        if (last < 0 || _inputs[last] < _moved[function].Start)
            return false;
        // The instruction before `end` must run up to it: the next start, or the function's end.
        int next = last + 1;
        ulong inputEnd = next < _inputs.Length && _inputs[next] < _moved[function].End ? _inputs[next] : _moved[function].End;
        if (inputEnd != end.Value)
            return false;
        output = new OutputAddress(_exactEnds[last]);
        return true;
    }

    public bool TryTranslateRange(AddressRange inputRange, List<AddressRange> outputRanges)
    {
        TranslateRange(inputRange, outputRanges);
        return true;
    }

    /// <summary>
    /// Appends the output ranges of the code in <paramref name="inputRange"/>: unmoved parts as they
    /// are, moved parts as the coverage of each instruction inside (adjacent pieces merged, in input
    /// order). A range that starts or ends inside an instruction covers the same bytes of its output
    /// (<see cref="AppendPart"/>).
    /// </summary>
    public void TranslateRange(AddressRange inputRange, List<AddressRange> outputRanges)
    {
        ulong position = inputRange.Start;
        for (int m = LowerBoundByEnd(position); m < _moved.Length; m++)
        {
            var moved = _moved[m];
            if (moved.Start >= inputRange.End)
                break;
            if (moved.Start > position)
                Append(outputRanges, position, moved.Start); // code that stayed
            ulong start = Math.Max(position, moved.Start), end = Math.Min(inputRange.End, moved.End);
            int i = _inputSearch.LowerBound(start);
            if (i > 0 && _inputs[i - 1] >= moved.Start && start < InputEnd(i - 1, moved))
                AppendPart(outputRanges, i - 1, moved, start, end);
            // PERF: instructions laid out one after another in the output (a block, mostly) are one range.
            int stop = _inputSearch.LowerBound(end);
            while (i < stop)
            {
                int last = Math.Min(_runEnds[i], stop) - 1;
                // The run's last instruction may end past the range: only its part inside counts.
                bool lastIsCut = last == stop - 1 && InputEnd(last, moved) > end;
                if (lastIsCut ? last > i : _coverageEnds[i] > _outputs[i])
                    Append(outputRanges, _outputs[i], _coverageEnds[lastIsCut ? last - 1 : last]);
                if (lastIsCut)
                    AppendPart(outputRanges, last, moved, _inputs[last], end);
                i = last + 1;
            }
            position = end;
        }
        if (position < inputRange.End)
            Append(outputRanges, position, inputRange.End);
    }

    /// <summary>
    /// For each instruction, the index just past the run it begins or lies in: the instructions
    /// after it, in input order, each starting in the output where the one before ends (a dropped
    /// instruction is a run of its own).
    /// </summary>
    private static int[] RunEnds(ulong[] outputs, ulong[] coverageEnds)
    {
        var runEnds = new int[outputs.Length];
        for (int k = outputs.Length - 1; k >= 0; k--)
        {
            bool continues = k + 1 < outputs.Length && coverageEnds[k] > outputs[k] && coverageEnds[k + 1] > outputs[k + 1]
                && outputs[k + 1] == coverageEnds[k];
            runEnds[k] = continues ? runEnds[k + 1] : k + 1;
        }
        return runEnds;
    }

    /// <summary>Where moved instruction <paramref name="i"/>'s input bytes end: the next instruction's start, or its function's end.</summary>
    private ulong InputEnd(int i, AddressRange moved) =>
        i + 1 < _inputs.Length && _inputs[i + 1] < moved.End ? _inputs[i + 1] : moved.End;

    /// <summary>
    /// The output of the bytes [from, to) of moved instruction <paramref name="i"/>: its whole
    /// coverage when they are all of it; else the same offsets in its output bytes, kept inside
    /// them. gcc ends the location of a variable in a call-clobbered register at the call's return
    /// address - 1, the address a caller frame looks its locations up at, so the variable reads
    /// as optimized out there: that boundary must stay inside the moved call.
    /// </summary>
    private void AppendPart(List<AddressRange> ranges, int i, AddressRange moved, ulong from, ulong to)
    {
        ulong input = _inputs[i], inputEnd = InputEnd(i, moved), output = _outputs[i];
        if (_coverageEnds[i] <= output)
            return; // dropped
        if (from <= input && to >= inputEnd)
        {
            Append(ranges, output, _coverageEnds[i]);
            return;
        }
        ulong lastOffset = _exactEnds[i] > output ? _exactEnds[i] - output - 1 : 0;
        ulong start = from <= input ? output : output + Math.Min(from - input, lastOffset);
        ulong end = to >= inputEnd ? _coverageEnds[i] : output + Math.Min(to - input, lastOffset);
        if (end > start)
            Append(ranges, start, end);
    }

    /// <summary>True when <paramref name="input"/> is a moved instruction the rewriter dropped (it has no output bytes).</summary>
    public bool IsDropped(InputAddress input)
    {
        int index = IndexOf(input.Value);
        return index >= 0 && _coverageEnds[index] == _outputs[index];
    }

    /// <summary>
    /// The input instruction whose bytes start at <paramref name="output"/> (dropped instructions
    /// have none); false when no moved instruction starts there.
    /// </summary>
    public bool TryTranslateBack(OutputAddress output, out InputAddress input)
    {
        var (outputs, instructions) = _byOutput.Value;
        int found = Array.BinarySearch(outputs, output.Value);
        input = found >= 0 ? new InputAddress(_inputs[instructions[found]]) : default;
        return found >= 0;
    }

    /// <summary>The fragments of the functions starting in [start, end), by input start, hot before cold.</summary>
    public ReadOnlySpan<Fragment> FragmentsOfFunctionsIn(ulong start, ulong end)
    {
        var byInput = _byInput.AsSpan();
        int first = SortedSearch.LowerBound(byInput, start, static (in Fragment fragment) => fragment.InputStart);
        int last = SortedSearch.LowerBound(byInput, end, static (in Fragment fragment) => fragment.InputStart);
        return byInput[first..Math.Max(first, last)];
    }

    /// <summary>The input ranges of the moved functions that overlap [start, end), in address order.</summary>
    public IEnumerable<AddressRange> MovedRangesIn(ulong start, ulong end)
    {
        for (int m = LowerBoundByEnd(start); m < _moved.Length && _moved[m].Start < end; m++)
            yield return _moved[m];
    }

    /// <summary>
    /// Appends (input, output) of every moved instruction starting in [start, end) that still has
    /// bytes in the output (dropped ones describe nothing), in input order.
    /// </summary>
    public void InstructionsIn(ulong start, ulong end, List<(ulong Input, ulong Output)> into)
    {
        for (int i = _inputSearch.LowerBound(start); i < _inputs.Length && _inputs[i] < end; i++)
            if (_coverageEnds[i] > _outputs[i])
                into.Add((_inputs[i], _outputs[i]));
    }

    /// <summary>
    /// Appends (input, output) of every moved instruction starting in [inputStart, inputEnd) whose
    /// bytes start in [outputStart, outputEnd) (dropped ones have none), in output order, those at
    /// one output address in input order.
    /// </summary>
    public void InstructionsInOutputOrder(ulong inputStart, ulong inputEnd, ulong outputStart, ulong outputEnd,
        List<(ulong Input, ulong Output)> into)
    {
        var order = _outputOrder;
        int low = 0, high = order.Length;
        while (low < high)
        {
            int middle = low + (high - low) / 2;
            if (_outputs[order[middle]] < outputStart)
                low = middle + 1;
            else
                high = middle;
        }
        for (int k = low; k < order.Length && _outputs[order[k]] < outputEnd; k++)
        {
            int i = order[k];
            if (_inputs[i] >= inputStart && _inputs[i] < inputEnd && _coverageEnds[i] > _outputs[i])
                into.Add((_inputs[i], _outputs[i]));
        }
    }

    private static void Append(List<AddressRange> ranges, ulong start, ulong end)
    {
        if (ranges.Count > 0 && ranges[^1].End == start)
            ranges[^1] = ranges[^1] with { End = end };
        else
            ranges.Add(new AddressRange(start, end));
    }

    private int FindMoved(ulong address)
    {
        int index = LowerBoundByEnd(address);
        return index < _moved.Length && _moved[index].Start <= address ? index : -1;
    }

    private static ulong[] CoverageEnds(ulong[] outputs, int[] order, ulong[]? exactEnds, Fragment[] fragments)
    {
        // A dropped instruction has no bytes: known exactly when the exact ends are; otherwise,
        // of several inputs at one output address all but the last (in input order) were dropped.
        bool Dropped(int i, int next) => exactEnds != null
            ? exactEnds[i] == outputs[i]
            : next >= 0 && outputs[next] == outputs[i];
        // Instruction starts in output order (ties in input order), each covering up to the next one that has bytes.
        var ends = new ulong[outputs.Length];
        ulong nextStart = ulong.MaxValue;
        // PERF: outputs only decrease from here on, so the fragment holding each is found by
        // walking the fragments (by output start) backwards once, not by a search per instruction.
        int holder = fragments.Length - 1;
        for (int k = order.Length - 1; k >= 0; k--)
        {
            int i = order[k];
            int next = k + 1 < order.Length ? order[k + 1] : -1;
            if (Dropped(i, next))
            {
                ends[i] = outputs[i];
                continue;
            }
            while (holder >= 0 && fragments[holder].OutputStart > outputs[i])
                holder--;
            // The end of the last fragment starting at or before the output, when the output lies in it (or at its end).
            ulong fragmentEnd = holder >= 0 && outputs[i] <= fragments[holder].OutputEnd ? fragments[holder].OutputEnd : outputs[i];
            ends[i] = nextStart > outputs[i] && nextStart < fragmentEnd ? nextStart : Math.Max(outputs[i], fragmentEnd);
            nextStart = outputs[i];
        }
        return ends;
    }

    private static bool IsAscending(ulong[] values)
    {
        for (int i = 1; i < values.Length; i++)
            if (values[i] < values[i - 1])
                return false;
        return true;
    }

    /// <summary>The index of the moved instruction starting at <paramref name="input"/>, or -1.</summary>
    private int IndexOf(ulong input)
    {
        int index = _inputSearch.LowerBound(input);
        return index < _inputs.Length && _inputs[index] == input ? index : -1;
    }

    /// <summary>The first moved range whose end lies after <paramref name="address"/>.</summary>
    private int LowerBoundByEnd(ulong address) =>
        address == ulong.MaxValue ? _moved.Length : _movedSearch.LowerBound(address + 1);
}

internal static class AddressConversions
{
    /// <summary>An address of code that did not move: the same number in the output.</summary>
    public static OutputAddress AsOutput(this ulong address) => new(address);
}
