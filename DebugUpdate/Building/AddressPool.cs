namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// A unit's new .debug_addr table: each distinct value once, indexes in first-use order (so the
/// table depends only on the unit, never on other units or threads). A table seeded from the
/// unit's input table starts with one entry per input entry, at the same index: an address the
/// layout did not touch keeps its index (<see cref="Keeps"/>), so DIEs and lists naming it by
/// index can be copied as they were.
/// </summary>
public sealed class AddressPool
{
    private readonly Dictionary<ulong, int> _indexes = [];
    private readonly List<ulong> _values = [];
    private readonly bool[] _kept = [];

    public AddressPool() { }

    /// <param name="seed">
    /// per input entry, its value in the output and whether that is the input value; an entry
    /// without an output value (its code is gone) holds 0 and is never handed out
    /// </param>
    public AddressPool(IReadOnlyList<(ulong? Output, bool Kept)> seed)
    {
        _kept = new bool[seed.Count];
        _values.Capacity = seed.Count;
        for (int i = 0; i < seed.Count; i++)
        {
            var (output, kept) = seed[i];
            _kept[i] = kept && output is not null;
            _values.Add(output ?? 0);
            if (output is { } value)
                _indexes.TryAdd(value, i);
        }
    }

    public int Count => _values.Count;
    public IReadOnlyList<ulong> Values => _values;

    /// <summary>True when input index <paramref name="index"/> holds the same address in this table.</summary>
    public bool Keeps(ulong index) => index < (ulong)_kept.Length && _kept[index];

    /// <summary>
    /// The index of <paramref name="value"/> for what named input index <paramref name="inputIndex"/>:
    /// that index when it kept its value (so a table with the same value twice, as gcc writes them,
    /// keeps what named the second), else the value's first index.
    /// </summary>
    public int IndexFor(ulong inputIndex, ulong value) =>
        Keeps(inputIndex) && _values[(int)inputIndex] == value ? (int)inputIndex : IndexOf(value);

    public int IndexOf(ulong value)
    {
        if (!_indexes.TryGetValue(value, out int index))
        {
            index = _values.Count;
            _indexes.Add(value, index);
            _values.Add(value);
        }
        return index;
    }
}
