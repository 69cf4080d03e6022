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

    public AddressMap(IEnumerable<(ulong Input, ulong Output)> pairs, IEnumerable<FragmentPlacement> fragments)
    {
        var sorted = pairs.OrderBy(p => p.Input).ToArray();
        _inputs = sorted.Select(p => p.Input).ToArray();
        _outputs = sorted.Select(p => p.Output).ToArray();
        Fragments = fragments.OrderBy(f => f.OutputStart).ToList();
    }

    public static AddressMap Empty { get; } = new([], []);

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
        using var descriptor = new MemoryStream();
        var buffer = new byte[8];
        void U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(buffer, v); descriptor.Write(buffer, 0, 4); }
        void U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(buffer, v); descriptor.Write(buffer, 0, 8); }
        U32(FormatVersion);
        U32((uint)_inputs.Length);
        U32((uint)Fragments.Count);
        for (int i = 0; i < _inputs.Length; i++)
        {
            U64(_inputs[i]);
            U64(_outputs[i]);
        }
        foreach (var fragment in Fragments)
        {
            U64(fragment.InputStart); U64(fragment.InputEnd); U64(fragment.OutputStart); U64(fragment.OutputSize);
            U32(fragment.IsCold ? 1u : 0u);
            var name = Encoding.UTF8.GetBytes(fragment.Name);
            U32((uint)name.Length);
            descriptor.Write(name);
        }
        var desc = descriptor.ToArray();
        var owner = Encoding.ASCII.GetBytes(NoteOwner + "\0");
        var note = new byte[12 + Align4(owner.Length) + Align4(desc.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(note, (uint)owner.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), NoteType);
        owner.CopyTo(note, 12);
        desc.CopyTo(note, 12 + Align4(owner.Length));
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
            var list = new List<(ulong, ulong)>(pairs);
            for (int i = 0; i < pairs; i++, position += 16)
                list.Add((BinaryPrimitives.ReadUInt64LittleEndian(d[position..]), BinaryPrimitives.ReadUInt64LittleEndian(d[(position + 8)..])));
            var placements = new List<FragmentPlacement>(fragments);
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
            return new AddressMap(list, placements);
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static int Align4(int value) => (value + 3) & ~3;
}
