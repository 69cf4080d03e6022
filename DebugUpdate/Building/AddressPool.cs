using System.Buffers.Binary;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// A unit's new .debug_addr table: each distinct value once, indexes in first-use order (so the
/// table depends only on the unit, never on other units or threads). A table seeded from the
/// unit's input table starts as a copy of it: every input index keeps its value
/// (<see cref="Keeps"/>), so what names an address the layout did not touch by index (or uses
/// one as the base of offsets into code that stayed) can be copied as it was. What names moved
/// code is written again with the index of its new address, added after them.
/// </summary>
public sealed class AddressPool
{
    private readonly Dictionary<ulong, int> _indexes = [];
    private readonly List<ulong> _values = [];
    private readonly int _seeded;
    private bool _seedLookedUp;

    public AddressPool() { }

    /// <param name="inputTable">the entries of the unit's input table, <paramref name="addressSize"/> bytes each</param>
    public AddressPool(ReadOnlySpan<byte> inputTable, int addressSize)
    {
        _seeded = inputTable.Length / addressSize;
        _values.Capacity = _seeded;
        for (int at = 0; at + addressSize <= inputTable.Length; at += addressSize)
            _values.Add(addressSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(inputTable[at..]) : BinaryPrimitives.ReadUInt32LittleEndian(inputTable[at..]));
    }

    public int Count => _values.Count;
    public IReadOnlyList<ulong> Values => _values;

    /// <summary>True when input index <paramref name="index"/> holds in this table the value it held in the input.</summary>
    public bool Keeps(ulong index) => index < (ulong)_seeded;

    /// <summary>
    /// The index of <paramref name="value"/> for what named input index <paramref name="inputIndex"/>:
    /// that index when it holds the value (so a table with a value twice, as gcc writes them, keeps
    /// what named the second), else the value's first index.
    /// </summary>
    public int IndexFor(ulong inputIndex, ulong value) =>
        Keeps(inputIndex) && _values[(int)inputIndex] == value ? (int)inputIndex : IndexOf(value);

    public int IndexOf(ulong value)
    {
        // PERF: the seeded values are looked up only in a unit that asks for an index by value.
        if (!_seedLookedUp)
        {
            _seedLookedUp = true;
            for (int i = 0; i < _seeded; i++)
                _indexes.TryAdd(_values[i], i);
        }
        if (!_indexes.TryGetValue(value, out int index))
        {
            index = _values.Count;
            _indexes.Add(value, index);
            _values.Add(value);
        }
        return index;
    }
}
