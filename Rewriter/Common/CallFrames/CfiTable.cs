using Rewriter.Common;

namespace Rewriter.CallFrames;

/// <summary>A row of a CFI table: from <see cref="Address"/> on, the state is States[StateIndex].</summary>
public readonly record struct CfiRow(ulong Address, int StateIndex);

/// <summary>
/// The evaluated CFI of one FDE: rows at every address where the state changes (the first at
/// <see cref="Start"/>) and the distinct states they refer to, so that "the CFI state at an
/// instruction" is a small integer.
/// </summary>
public sealed class CfiTable
{
    private readonly CfiRow[] _rows;
    private readonly CfiState[] _states;

    internal CfiTable(ulong start, ulong end, CfiEncoding encoding, CfiState initial, CfiRow[] rows, CfiState[] states, bool hasRowsPastEnd)
    {
        Encoding = encoding;
        Start = start;
        End = end;
        Initial = initial;
        _rows = rows;
        _states = states;
        HasRowsPastEnd = hasRowsPastEnd;
    }

    public ulong Start { get; }
    public ulong End { get; }

    /// <summary>The CIE's alignment factors, which re-encoding this table's transitions needs.</summary>
    public CfiEncoding Encoding { get; }

    /// <summary>The state the CIE's initial instructions set up (the target of DW_CFA_restore).</summary>
    public CfiState Initial { get; }

    /// <summary>Rows in increasing address order; consecutive rows have different states.</summary>
    public IReadOnlyList<CfiRow> Rows => _rows;

    /// <summary>Distinct states, in order of first appearance.</summary>
    public IReadOnlyList<CfiState> States => _states;

    /// <summary>The program advanced to or past <see cref="End"/> and changed the state there (those rows are dropped).</summary>
    public bool HasRowsPastEnd { get; }

    /// <summary>Index into <see cref="States"/> of the state in effect at <paramref name="address"/>.</summary>
    public int StateIndexAt(ulong address)
    {
        // PERF: the CFG builder asks once per instruction; rows are sorted, so binary search.
        if (address < Start || (address >= End && !(address == Start && Start == End)))
            throw new ArgumentOutOfRangeException(nameof(address), $"0x{address:x} is outside [0x{Start:x}, 0x{End:x})");
        // The last row at or before the address; the first row when none is (its start is the FDE's).
        int last = SortedSearch.UpperBound<CfiRow, ulong>(_rows, address, static (in CfiRow row) => row.Address) - 1;
        return _rows[Math.Max(last, 0)].StateIndex;
    }

    public CfiState StateAt(ulong address) => _states[StateIndexAt(address)];
}
