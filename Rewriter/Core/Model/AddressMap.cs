using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Rewriter.Common;

namespace Rewriter.Model;

/// <summary>Where one fragment of a function went: its input range and output range.</summary>
public readonly record struct FragmentPlacement(string Name, ulong InputStart, ulong InputEnd, ulong OutputStart, ulong OutputSize, bool IsCold);

/// <summary>
/// Input address → output address for every instruction of the moved code, with the exact end of
/// each instruction's own output bytes (not counting a jump the rewriter added after it; equal to
/// its start for an instruction that was dropped), plus each function's output fragments. The
/// debug update consumes it, and it is stored in the output (<see cref="SectionName"/>, written by
/// <see cref="ToNote"/>, format in <see cref="AddressMapNote"/>) so that `verify-debug` can check
/// an output later.
/// </summary>
public sealed class AddressMap
{
    public const string SectionName = ".note.rewriter.addrmap";

    private readonly ulong[] _inputs;
    private readonly ulong[] _outputs;
    private readonly ulong[] _outputEnds;

    public IReadOnlyList<FragmentPlacement> Fragments { get; }
    public int Count => _inputs.Length;

    /// <summary>
    /// A map over parallel arrays — input instruction start, output start, output end of the
    /// instruction's own bytes — which it sorts by input in place and keeps.
    /// </summary>
    public AddressMap(ulong[] inputs, ulong[] outputs, ulong[] outputEnds, IEnumerable<FragmentPlacement> fragments)
    {
        if (inputs.Length != outputs.Length || inputs.Length != outputEnds.Length)
            throw new ArgumentException("every input address needs one output start and one output end", nameof(outputs));
        var order = KeySort.SortCarryingIndexes(inputs);
        _inputs = inputs;
        _outputs = KeySort.Permute(outputs, order);
        _outputEnds = KeySort.Permute(outputEnds, order);
        for (int i = 0; i < _outputs.Length; i++)
            if (_outputEnds[i] < _outputs[i])
                throw new ArgumentException($"the instruction at input 0x{_inputs[i]:x} ends before it starts", nameof(outputEnds));
        Fragments = fragments.OrderBy(f => f.OutputStart).ThenBy(f => f.InputStart).ToList();
    }

    public static AddressMap Empty { get; } = new([], [], [], []);

    /// <summary>The output address of the instruction that started at <paramref name="input"/>.</summary>
    public bool TryTranslate(ulong input, out ulong output) => TryTranslate(input, out output, out _);

    /// <summary>The output start and the end of the own bytes of the instruction that started at <paramref name="input"/>.</summary>
    public bool TryTranslate(ulong input, out ulong output, out ulong outputEnd)
    {
        int index = Array.BinarySearch(_inputs, input);
        if (index < 0)
        {
            output = outputEnd = 0;
            return false;
        }
        output = _outputs[index];
        outputEnd = _outputEnds[index];
        return true;
    }

    /// <summary>(input instruction start, output start) for every mapped instruction, by input address.</summary>
    public IEnumerable<(ulong Input, ulong Output)> Pairs()
    {
        for (int i = 0; i < _inputs.Length; i++)
            yield return (_inputs[i], _outputs[i]);
    }

    /// <summary>Every mapped instruction's input start, in input order (that of <see cref="Pairs"/>); <see cref="OutputStarts"/> and <see cref="OutputEnds"/> run parallel to it.</summary>
    // No copies: the debug update reads these columns where they are (at millions of instructions,
    // a copy of each is a large allocation and, with it, a collection of the whole heap).
    public ImmutableArray<ulong> InputStarts => ImmutableCollectionsMarshal.AsImmutableArray(_inputs);

    /// <summary>Each mapped instruction's output start, parallel to <see cref="InputStarts"/>.</summary>
    public ImmutableArray<ulong> OutputStarts => ImmutableCollectionsMarshal.AsImmutableArray(_outputs);

    /// <summary>The end of each mapped instruction's own output bytes, parallel to <see cref="InputStarts"/>.</summary>
    public ImmutableArray<ulong> OutputEnds => ImmutableCollectionsMarshal.AsImmutableArray(_outputEnds);

    /// <summary>(input start, output start, output end) for every mapped instruction, by input address.</summary>
    public IEnumerable<(ulong Input, ulong Output, ulong OutputEnd)> Instructions()
    {
        for (int i = 0; i < _inputs.Length; i++)
            yield return (_inputs[i], _outputs[i], _outputEnds[i]);
    }

    /// <summary>The SHT_NOTE body of <see cref="SectionName"/> (<see cref="AddressMapNote"/>).</summary>
    public byte[] ToNote() => AddressMapNote.Write(this);

    /// <summary>Reads a map written by <see cref="ToNote"/>; null when the bytes are not one.</summary>
    public static AddressMap? FromNote(ReadOnlySpan<byte> note) => AddressMapNote.Read(note);
}
