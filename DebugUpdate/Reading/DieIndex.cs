namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// The DIEs of one unit in pre-order, NULL entries dropped, as a flat <see cref="DieEntry"/> array.
/// Index 0 is the unit's root DIE. Attributes are not stored: decode them on demand.
/// </summary>
public sealed class DieIndex
{
    private DieEntry[] _entries;
    private int _count;
    private readonly AbbreviationTable _abbreviations;

    /// <param name="entries">the entries, from <see cref="System.Buffers.ArrayPool{T}.Shared"/> (maybe longer than <paramref name="count"/>)</param>
    internal DieIndex(DieEntry[] entries, int count, AbbreviationTable abbreviations)
    {
        _entries = entries;
        _count = count;
        _abbreviations = abbreviations;
    }

    /// <summary>
    /// Gives the entries back to the shared pool; the index is empty from then on (any use fails
    /// its bounds check rather than reading another unit's entries). For an owner that knows
    /// nothing holds the index any more.
    /// </summary>
    internal void ReturnStorage()
    {
        var entries = _entries;
        _entries = [];
        _count = 0;
        if (entries.Length > 0)
            System.Buffers.ArrayPool<DieEntry>.Shared.Return(entries);
    }

    public int Count => _count;

    public ref readonly DieEntry this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
                throw new ArgumentOutOfRangeException(nameof(index));
            return ref _entries[index];
        }
    }

    public ReadOnlySpan<DieEntry> Entries => _entries.AsSpan(0, _count);

    public Abbreviation AbbreviationOf(int index) => _abbreviations[this[index].AbbreviationIndex];

    /// <summary>Index of the parent, or -1 for the root.</summary>
    public int Parent(int index)
    {
        int delta = this[index].ParentDelta;
        return delta == 0 ? -1 : index - delta;
    }

    /// <summary>Index of the first child, or -1.</summary>
    public int FirstChild(int index)
    {
        int next = index + 1;
        if (next < _count && _entries[next].ParentDelta == 1 && AbbreviationOf(index).HasChildren)
            return next;
        return -1;
    }

    /// <summary>Index of the next sibling, or -1.</summary>
    public int NextSibling(int index)
    {
        int delta = this[index].SiblingDelta;
        return delta == 0 ? -1 : index + delta;
    }

    /// <summary>Depth in the tree (0 for the root).</summary>
    public int Depth(int index)
    {
        int depth = 0;
        for (int p = Parent(index); p >= 0; p = Parent(p))
            depth++;
        return depth;
    }

    /// <summary>Children of a DIE, in order.</summary>
    public ChildEnumerable Children(int index) => new(this, index);

    /// <summary>Finds the DIE at a unit-relative offset by binary search; -1 when no DIE starts there.</summary>
    public int FindByUnitOffset(ulong unitOffset)
    {
        if (unitOffset > uint.MaxValue)
            return -1;
        // PERF: every reference a unit makes is resolved here; a plain loop on the field, no key selector.
        var entries = _entries.AsSpan(0, _count);
        uint key = (uint)unitOffset;
        int low = 0, high = entries.Length;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (entries[middle].UnitOffset < key)
                low = middle + 1;
            else
                high = middle;
        }
        return low < entries.Length && entries[low].UnitOffset == key ? low : -1;
    }

    public readonly struct ChildEnumerable(DieIndex index, int parent)
    {
        public ChildEnumerator GetEnumerator() => new(index, index.FirstChild(parent));
    }

    public struct ChildEnumerator(DieIndex index, int first)
    {
        private int _next = first;

        public int Current { get; private set; } = -1;

        public bool MoveNext()
        {
            if (_next < 0)
                return false;
            Current = _next;
            _next = index.NextSibling(_next);
            return true;
        }
    }
}
