namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// A unit's new .debug_addr table: each distinct value once, indexes in first-use order (so the
/// table depends only on the unit, never on other units or threads).
/// </summary>
public sealed class AddressPool
{
    private readonly Dictionary<ulong, int> _indexes = [];
    private readonly List<ulong> _values = [];

    public int Count => _values.Count;
    public IReadOnlyList<ulong> Values => _values;

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
