using System.Buffers.Binary;
using System.Text;

namespace Rewriter.Model;

/// <summary>Where one fragment of a function went: its input range and output range.</summary>
public readonly record struct FragmentPlacement(string Name, ulong InputStart, ulong InputEnd, ulong OutputStart, ulong OutputSize, bool IsCold);

/// <summary>
/// Input address → output address for every instruction of the moved code, plus each function's
/// output fragments. The debug update consumes it, and it is stored in the output
/// (<see cref="SectionName"/>) so that `verify-debug` can check an output later.
/// </summary>
public sealed class AddressMap
{
    public const string SectionName = ".note.rewriter.addrmap";
    private const string NoteOwner = "rewriter";
    private const uint NoteType = 1;
    private const uint FormatVersion = 1;

    private readonly ulong[] _inputs;
    private readonly ulong[] _outputs;

    public IReadOnlyList<FragmentPlacement> Fragments { get; }
    public int Count => _inputs.Length;

    /// <summary>A map over parallel arrays of input and output addresses, which it sorts in place and keeps.</summary>
    public AddressMap(ulong[] inputs, ulong[] outputs, IEnumerable<FragmentPlacement> fragments)
    {
        if (inputs.Length != outputs.Length)
            throw new ArgumentException("every input address needs one output address", nameof(outputs));
        // PERF: one key/value array sort instead of sorting tuples and projecting them twice.
        Array.Sort(inputs, outputs);
        _inputs = inputs;
        _outputs = outputs;
        Fragments = fragments.OrderBy(f => f.OutputStart).ToList();
    }

    public static AddressMap Empty { get; } = new([], [], []);

    /// <summary>The output address of the instruction that started at <paramref name="input"/>.</summary>
    public bool TryTranslate(ulong input, out ulong output)
    {
        int index = Array.BinarySearch(_inputs, input);
        if (index < 0)
        {
            output = 0;
            return false;
        }
        output = _outputs[index];
        return true;
    }

    public IEnumerable<(ulong Input, ulong Output)> Pairs()
    {
        for (int i = 0; i < _inputs.Length; i++)
            yield return (_inputs[i], _outputs[i]);
    }

    /// <summary>An SHT_NOTE body: owner "rewriter", type 1, descriptor = version, pairs, fragments.</summary>
    public byte[] ToNote()
    {
        var owner = Encoding.ASCII.GetBytes(NoteOwner + "\0");
        var names = Fragments.Select(f => Encoding.UTF8.GetBytes(f.Name)).ToArray();
        int descriptorSize = 12 + 16 * _inputs.Length + names.Sum(name => 40 + name.Length);
        // PERF: one array of the final size, written through spans (the map has an entry per instruction).
        var note = new byte[12 + Align4(owner.Length) + Align4(descriptorSize)];
        BinaryPrimitives.WriteUInt32LittleEndian(note, (uint)owner.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), (uint)descriptorSize);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), NoteType);
        owner.CopyTo(note, 12);
        var d = note.AsSpan(12 + Align4(owner.Length), descriptorSize);
        BinaryPrimitives.WriteUInt32LittleEndian(d, FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(d[4..], (uint)_inputs.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(d[8..], (uint)Fragments.Count);
        int position = 12;
        for (int i = 0; i < _inputs.Length; i++, position += 16)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(d[position..], _inputs[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(d[(position + 8)..], _outputs[i]);
        }
        for (int i = 0; i < Fragments.Count; i++)
        {
            var fragment = Fragments[i];
            BinaryPrimitives.WriteUInt64LittleEndian(d[position..], fragment.InputStart);
            BinaryPrimitives.WriteUInt64LittleEndian(d[(position + 8)..], fragment.InputEnd);
            BinaryPrimitives.WriteUInt64LittleEndian(d[(position + 16)..], fragment.OutputStart);
            BinaryPrimitives.WriteUInt64LittleEndian(d[(position + 24)..], fragment.OutputSize);
            BinaryPrimitives.WriteUInt32LittleEndian(d[(position + 32)..], fragment.IsCold ? 1u : 0u);
            BinaryPrimitives.WriteUInt32LittleEndian(d[(position + 36)..], (uint)names[i].Length);
            names[i].CopyTo(d[(position + 40)..]);
            position += 40 + names[i].Length;
        }
        return note;
    }

    /// <summary>Reads a map written by <see cref="ToNote"/>; null when the bytes are not one.</summary>
    public static AddressMap? FromNote(ReadOnlySpan<byte> note)
    {
        try
        {
            int ownerSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(note);
            int descSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(note[4..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(note[8..]) != NoteType || ownerSize != NoteOwner.Length + 1)
                return null;
            var d = note.Slice(12 + Align4(ownerSize), descSize);
            if (BinaryPrimitives.ReadUInt32LittleEndian(d) != FormatVersion)
                return null;
            int pairs = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[4..]);
            int fragments = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[8..]);
            int position = 12;
            if (pairs < 0 || (long)pairs * 16 > d.Length - position)
                return null;
            var inputs = new ulong[pairs];
            var outputs = new ulong[pairs];
            for (int i = 0; i < pairs; i++, position += 16)
            {
                inputs[i] = BinaryPrimitives.ReadUInt64LittleEndian(d[position..]);
                outputs[i] = BinaryPrimitives.ReadUInt64LittleEndian(d[(position + 8)..]);
            }
            if (fragments < 0) return null;
            var placements = new List<FragmentPlacement>(Math.Min(fragments, d.Length / 40));
            for (int i = 0; i < fragments; i++)
            {
                ulong inStart = BinaryPrimitives.ReadUInt64LittleEndian(d[position..]);
                ulong inEnd = BinaryPrimitives.ReadUInt64LittleEndian(d[(position + 8)..]);
                ulong outStart = BinaryPrimitives.ReadUInt64LittleEndian(d[(position + 16)..]);
                ulong outSize = BinaryPrimitives.ReadUInt64LittleEndian(d[(position + 24)..]);
                bool cold = BinaryPrimitives.ReadUInt32LittleEndian(d[(position + 32)..]) != 0;
                int nameLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(d[(position + 36)..]);
                string name = Encoding.UTF8.GetString(d.Slice(position + 40, nameLength));
                position += 40 + nameLength;
                placements.Add(new FragmentPlacement(name, inStart, inEnd, outStart, outSize, cold));
            }
            return new AddressMap(inputs, outputs, placements);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static int Align4(int value) => (value + 3) & ~3;
}
