namespace Rewriter.DebugUpdate.Addresses;

/// <summary>
/// Lower-bound search over sorted addresses through a table of pages: the address space the keys
/// span is cut into equal power-of-two pages, each knowing the first key at or after its start,
/// so a search is one table read and a binary search over the few keys of one page.
/// </summary>
/// <remarks>
/// PERF: the debug update looks an address up in the map of moved code for every code attribute,
/// location entry and line row — millions of searches on a large program, each a 20-step binary
/// search over the whole instruction table before. About four keys a page keeps the table a
/// quarter of the keys' own size.
/// </remarks>
internal sealed class PagedLowerBound
{
    private const int KeysPerPage = 4;
    private readonly ulong[] _keys;
    private readonly ulong _base;
    private readonly int _shift;
    private readonly int[] _firstOfPage; // first key at or after each page's start; one extra entry: the key count

    /// <param name="sorted">ascending keys; kept, not copied</param>
    public PagedLowerBound(ulong[] sorted)
    {
        _keys = sorted;
        if (sorted.Length == 0)
        {
            _firstOfPage = [0];
            return;
        }
        _base = sorted[0];
        ulong span = sorted[^1] - _base;
        ulong wantedPages = Math.Max(1UL, (ulong)sorted.Length / KeysPerPage);
        while (_shift < 63 && span >> _shift >= wantedPages)
            _shift++;
        int pages = (int)(span >> _shift) + 1;
        _firstOfPage = new int[pages + 1];
        int key = 0;
        for (int page = 0; page < pages; page++)
        {
            ulong pageStart = _base + ((ulong)page << _shift);
            while (key < sorted.Length && sorted[key] < pageStart)
                key++;
            _firstOfPage[page] = key;
        }
        _firstOfPage[pages] = sorted.Length;
    }

    /// <summary>The first index whose key is not less than <paramref name="value"/> (the key count when none).</summary>
    public int LowerBound(ulong value)
    {
        var keys = _keys;
        if (keys.Length == 0 || value <= _base)
            return 0;
        if (value > keys[^1])
            return keys.Length;
        ulong page = (value - _base) >> _shift;
        // Keys before the page's start are before the answer; the next page's first key is not.
        int low = _firstOfPage[page], high = _firstOfPage[page + 1];
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (keys[middle] < value)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }
}
