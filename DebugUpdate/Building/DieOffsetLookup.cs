using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// The DIE that starts at each offset of one unit, by direct lookup: every reference a unit makes
/// is resolved while it is rebuilt, and a binary search for each was a fifth of the copy's time.
/// The table holds an int per byte of the unit and is kept by one worker from unit to unit; a unit
/// too large for that is searched in its DIE index instead.
/// </summary>
public sealed class DieOffsetLookup
{
    private const int MaxTableSize = 16 << 20; // 64 MiB of ints; larger units use the binary search
    private int[] _table = [];
    private int _size = -1;
    private DieIndex? _dies;

    /// <summary>Prepares the lookup for a unit of <paramref name="unitSize"/> bytes with these DIEs.</summary>
    public void Load(DieIndex dies, long unitSize)
    {
        _dies = dies;
        if (unitSize > MaxTableSize)
        {
            _size = -1;
            return;
        }
        int size = (int)unitSize;
        if (_table.Length < size)
            _table = new int[Math.Max(size, _table.Length * 2)];
        else
            Array.Clear(_table, 0, size);
        _size = size;
        var entries = dies.Entries;
        // Stored as index + 1: 0 means no DIE starts there.
        for (int i = 0; i < entries.Length; i++)
            _table[entries[i].UnitOffset] = i + 1;
    }

    /// <summary>The index of the DIE at <paramref name="unitOffset"/>, or -1 when none starts there.</summary>
    public int Find(ulong unitOffset)
    {
        if (_size < 0)
            return _dies!.FindByUnitOffset(unitOffset);
        return unitOffset < (ulong)_size ? _table[unitOffset] - 1 : -1;
    }
}
