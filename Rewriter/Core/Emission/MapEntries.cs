using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Accumulates the address map's entries — input instruction start, output start, end of the
/// instruction's own output bytes — as the emitters place code, then builds the map.
/// </summary>
internal sealed class MapEntries(int capacity)
{
    private ulong[] _inputs = new ulong[capacity];
    private ulong[] _outputs = new ulong[capacity];
    private ulong[] _ends = new ulong[capacity];

    public int Count { get; private set; }

    public void Add(ulong input, ulong output, ulong end)
    {
        if (Count == _inputs.Length)
        {
            int size = Math.Max(16, 2 * Count);
            Array.Resize(ref _inputs, size);
            Array.Resize(ref _outputs, size);
            Array.Resize(ref _ends, size);
        }
        (_inputs[Count], _outputs[Count], _ends[Count]) = (input, output, end);
        Count++;
    }

    /// <summary>
    /// The entries of one encoded fragment placed at <paramref name="start"/>: each input
    /// instruction up to the next encoded instruction (an added jump after it is not its own), or
    /// to <paramref name="codeLength"/> for the last; each dropped instruction at the place of the
    /// instruction that follows it, with no bytes.
    /// </summary>
    public void Add(FragmentCode fragment, uint[] offsets, ulong start, int codeLength)
    {
        var instructions = fragment.Instructions;
        for (int i = 0; i < instructions.Count; i++)
        {
            ulong ip = instructions[i].IP;
            if (ip >= FragmentBuilder.SyntheticIps || offsets[i] == uint.MaxValue)
                continue;
            int next = i + 1;
            while (next < offsets.Length && offsets[next] == uint.MaxValue)
                next++;
            ulong end = next < offsets.Length ? offsets[next] : (ulong)codeLength;
            Add(ip, start + offsets[i], start + end);
        }
        foreach (var (input, before) in fragment.Dropped)
        {
            ulong at = start + (before < offsets.Length && offsets[before] != uint.MaxValue ? offsets[before] : (ulong)codeLength);
            Add(input, at, at);
        }
    }

    public void AddFrom(MapEntries other)
    {
        for (int i = 0; i < other.Count; i++)
            Add(other._inputs[i], other._outputs[i], other._ends[i]);
    }

    public void AddFrom(AddressMap map)
    {
        foreach (var (input, output, end) in map.Instructions())
            Add(input, output, end);
    }

    public AddressMap ToMap(IEnumerable<FragmentPlacement> fragments) =>
        new(_inputs[..Count], _outputs[..Count], _ends[..Count], fragments);
}
