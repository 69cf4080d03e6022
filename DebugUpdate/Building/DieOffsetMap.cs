using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Where a unit's input DIEs are in its output, kept after the unit is merged for the references
/// other units make to it (a ref_addr, a DW_OP_call_ref or implicit_pointer operand), which may be
/// merged later. DIEs stay in order and most keep their size, so the offset moves only after a DIE
/// that was re-encoded to another size: the map holds one (input, output) pair per such run of DIEs,
/// not one offset per DIE (on gdb 35 MiB of per-DIE offsets, held for the whole update, are what
/// grew the heap with the number of units).
/// </summary>
public sealed class DieOffsetMap
{
    /// <summary>The unit-relative input offset of each run's first DIE, ascending.</summary>
    private readonly uint[] _inputStarts;
    /// <summary>The unit-relative output offset of each run's first DIE.</summary>
    private readonly uint[] _outputStarts;

    private DieOffsetMap(uint[] inputStarts, uint[] outputStarts)
    {
        _inputStarts = inputStarts;
        _outputStarts = outputStarts;
    }

    /// <param name="entries">the unit's input DIEs, in order</param>
    /// <param name="outputOffsets">each DIE's unit-relative offset in the output, ascending</param>
    public static DieOffsetMap Build(ReadOnlySpan<DieEntry> entries, ReadOnlySpan<uint> outputOffsets)
    {
        if (entries.Length != outputOffsets.Length)
            throw new ArgumentException($"{entries.Length} DIEs but {outputOffsets.Length} output offsets");
        int runs = 0;
        for (int die = 0; die < entries.Length; die++)
            if (StartsRun(entries, outputOffsets, die))
                runs++;
        var inputStarts = new uint[runs];
        var outputStarts = new uint[runs];
        for (int die = 0, run = 0; die < entries.Length; die++)
            if (StartsRun(entries, outputOffsets, die))
            {
                inputStarts[run] = entries[die].UnitOffset;
                outputStarts[run++] = outputOffsets[die];
            }
        return new DieOffsetMap(inputStarts, outputStarts);
    }

    /// <summary>Whether the DIE's output offset is not its predecessor's moved by the input distance between them.</summary>
    private static bool StartsRun(ReadOnlySpan<DieEntry> entries, ReadOnlySpan<uint> outputOffsets, int die) =>
        die == 0 || outputOffsets[die] - outputOffsets[die - 1] != entries[die].UnitOffset - entries[die - 1].UnitOffset;

    /// <summary>How many runs the map holds (for tests and statistics).</summary>
    public int Runs => _inputStarts.Length;

    /// <summary>The output offset of the input DIE at <paramref name="inputUnitOffset"/> (a DIE's start: the caller checked).</summary>
    public uint OutputOffsetOf(uint inputUnitOffset)
    {
        int run = Array.BinarySearch(_inputStarts, inputUnitOffset);
        if (run < 0)
            run = ~run - 1;
        if (run < 0)
            throw new InvalidOperationException($"input offset 0x{inputUnitOffset:x} lies before the unit's first DIE");
        return _outputStarts[run] + (inputUnitOffset - _inputStarts[run]);
    }
}
