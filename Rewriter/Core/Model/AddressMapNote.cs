using System.Buffers.Binary;
using System.Text;
using Rewriter.Common;
using Rewriter.Diagnostics;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Model;

/// <summary>
/// The stored form of an <see cref="AddressMap"/>: an ELF note (owner "rewriter", type 1) whose
/// descriptor is, after a u32 format version (2), a ULEB128 fragment count and per fragment:
///
///     name (ULEB128 length + UTF-8), flags (u8: 1 = cold), input start, input size,
///     output start, output size (ULEB128 each), instruction count (ULEB128), records
///
/// The fragment's instructions go in output order; a cursor starts at (input start, output start)
/// and each instruction of output length L moves it to (its input + L, its output + L). A record
/// is a ULEB128 header h:
///   h even: a run of h/2 instructions, each exactly at the cursor, with 1 ≤ L ≤ 15, their lengths
///           packed two a byte (low nibble first) — straight-line code, copied or re-encoded to
///           the same size, costs half a byte an instruction;
///   h odd:  one instruction of length h/2 (0: dropped), then SLEB128 input − cursor input and
///           SLEB128 output − cursor output.
/// Every count and size read is checked against the bytes left before it is used.
/// </summary>
public static class AddressMapNote
{
    private const string Owner = "rewriter";
    private const uint NoteType = 1;
    private const uint FormatVersion = 2;
    private const int MaxRun = 1 << 20;
    private const ulong MaxNibble = 15;
    /// <summary>The longest output of one instruction: x86 allows 15 bytes; a branch the encoder had to lengthen into a sequence takes a few more.</summary>
    private const ulong MaxLength = 255;

    public static byte[] Write(AddressMap map)
    {
        var fragments = map.Fragments;
        var members = AssignToFragments(map, fragments);
        ReadOnlySpan<ulong> inputs = map.InputStarts.AsSpan(), outputs = map.OutputStarts.AsSpan(), ends = map.OutputEnds.AsSpan();
        var body = new NoteBuffer(64 + map.Count);
        body.AddU32(FormatVersion);
        body.AddUnsigned((ulong)fragments.Count);
        var lengths = new List<ulong>();
        for (int f = 0; f < fragments.Count; f++)
        {
            var fragment = fragments[f];
            var name = Encoding.UTF8.GetBytes(fragment.Name);
            body.AddUnsigned((ulong)name.Length);
            body.AddBytes(name);
            body.AddByte(fragment.IsCold ? (byte)1 : (byte)0);
            body.AddUnsigned(fragment.InputStart);
            body.AddUnsigned(fragment.InputEnd - fragment.InputStart);
            body.AddUnsigned(fragment.OutputStart);
            body.AddUnsigned(fragment.OutputSize);
            var entries = members.Of(f);
            body.AddUnsigned((ulong)entries.Length);
            ulong input = fragment.InputStart, output = fragment.OutputStart;
            lengths.Clear();
            foreach (int entry in entries)
            {
                ulong entryInput = inputs[entry], entryOutput = outputs[entry], entryEnd = ends[entry];
                ulong length = entryEnd - entryOutput;
                if (length > MaxLength)
                    throw new InvalidOperationException($"the instruction at input 0x{entryInput:x} has {length} bytes of output");
                if (entryInput == input && entryOutput == output && length is > 0 and <= MaxNibble && lengths.Count < MaxRun)
                {
                    lengths.Add(length);
                }
                else
                {
                    WriteRun(body, lengths);
                    body.AddUnsigned(length << 1 | 1);
                    body.AddSigned((long)(entryInput - input));
                    body.AddSigned((long)(entryOutput - output));
                }
                input = entryInput + length;
                output = entryOutput + length;
            }
            WriteRun(body, lengths);
        }

        var owner = Encoding.ASCII.GetBytes(Owner + "\0");
        var descriptor = body.Written;
        var note = new byte[12 + Align4(owner.Length) + Align4(descriptor.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(note, (uint)owner.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), (uint)descriptor.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), NoteType);
        owner.CopyTo(note, 12);
        descriptor.CopyTo(note.AsSpan(12 + Align4(owner.Length)));
        return note;
    }

    public static AddressMap? Read(ReadOnlySpan<byte> note)
    {
        try
        {
            var header = new ByteCursor(note, AddressMap.SectionName);
            uint ownerSize = header.U32(), descriptorSize = header.U32(), type = header.U32();
            if (type != NoteType || ownerSize != Owner.Length + 1 || !header.Take((int)ownerSize).SequenceEqual(Encoding.ASCII.GetBytes(Owner + "\0")))
                return null;
            header.Take(Align4((int)ownerSize) - (int)ownerSize);
            if (descriptorSize > (uint)(note.Length - header.Position))
                return null;
            var d = new ByteCursor(note.Slice(header.Position, (int)descriptorSize), AddressMap.SectionName);
            if (d.U32() != FormatVersion)
                return null;
            ulong fragmentCount = d.Uleb();
            // A fragment takes at least 7 bytes (empty name, flags, four sizes, no instructions).
            if (fragmentCount > (ulong)(d.Length - d.Position) / 7)
                return null;
            var fragments = new List<FragmentPlacement>((int)fragmentCount);
            var inputs = new List<ulong>();
            var outputs = new List<ulong>();
            var ends = new List<ulong>();
            for (ulong f = 0; f < fragmentCount; f++)
            {
                ulong nameLength = d.Uleb();
                if (nameLength > (ulong)(d.Length - d.Position))
                    return null;
                string name = Encoding.UTF8.GetString(d.Take((int)nameLength));
                byte flags = d.U8();
                ulong inputStart = d.Uleb(), inputSize = d.Uleb(), outputStart = d.Uleb(), outputSize = d.Uleb();
                if (flags > 1 || inputStart + inputSize < inputStart || outputStart + outputSize < outputStart)
                    return null;
                fragments.Add(new FragmentPlacement(name, inputStart, inputStart + inputSize, outputStart, outputSize, flags == 1));
                ulong count = d.Uleb();
                // Each instruction takes at least half a byte.
                if (count > 2 * (ulong)(d.Length - d.Position))
                    return null;
                ulong input = inputStart, output = outputStart;
                for (ulong read = 0; read < count;)
                {
                    ulong h = d.Uleb();
                    if ((h & 1) == 0)
                    {
                        ulong run = h >> 1;
                        if (run == 0 || run > count - read || (run + 1) / 2 > (ulong)(d.Length - d.Position))
                            return null;
                        var packed = d.Take((int)((run + 1) / 2));
                        for (ulong k = 0; k < run; k++)
                        {
                            ulong length = (ulong)(packed[(int)(k / 2)] >> (int)(k % 2 * 4)) & 0xF;
                            if (length == 0)
                                return null;
                            inputs.Add(input);
                            outputs.Add(output);
                            ends.Add(output + length);
                            input += length;
                            output += length;
                        }
                        read += run;
                    }
                    else
                    {
                        ulong length = h >> 1;
                        ulong at = input + (ulong)d.Sleb(), to = output + (ulong)d.Sleb();
                        if (length > MaxLength || to + length < to)
                            return null;
                        inputs.Add(at);
                        outputs.Add(to);
                        ends.Add(to + length);
                        input = at + length;
                        output = to + length;
                        read++;
                    }
                }
            }
            return new AddressMap(inputs.ToArray(), outputs.ToArray(), ends.ToArray(), fragments);
        }
        catch (Exception e) when (e is InputFormatException or ArgumentException)
        {
            return null; // bytes past the end, or an instruction ending before it starts
        }
    }

    private static void WriteRun(NoteBuffer body, List<ulong> lengths)
    {
        if (lengths.Count == 0)
            return;
        body.AddUnsigned((ulong)lengths.Count << 1);
        for (int k = 0; k < lengths.Count; k += 2)
            body.AddByte((byte)(lengths[k] | (k + 1 < lengths.Count ? lengths[k + 1] << 4 : 0)));
        lengths.Clear();
    }

    /// <summary>A growable byte buffer for the descriptor.</summary>
    // PERF: one array written through spans; the note has a few bytes per instruction of the program.
    private sealed class NoteBuffer(int capacity)
    {
        private byte[] _bytes = new byte[Math.Max(16, capacity)];
        private int _length;

        public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

        private Span<byte> Reserve(int size)
        {
            if (_length + size > _bytes.Length)
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + size));
            return _bytes.AsSpan(_length, size);
        }

        public void AddByte(byte value)
        {
            Reserve(1)[0] = value;
            _length++;
        }
        public void AddUnsigned(ulong value) => _length += Leb128.WriteUnsigned(Reserve(Leb128.MaxSize), value);
        public void AddSigned(long value) => _length += Leb128.WriteSigned(Reserve(Leb128.MaxSize), value);

        public void AddU32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), value);
            _length += 4;
        }

        public void AddBytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Reserve(bytes.Length));
            _length += bytes.Length;
        }
    }

    /// <summary>
    /// Each instruction's fragment — the one whose output range (end included: a dropped last
    /// instruction maps to the end) and input range hold it — with each fragment's instructions
    /// in output order (a dropped one before the instruction at its place).
    /// </summary>
    /// <summary>
    /// Each fragment's instructions, as indexes into the map's columns: <c>Order[Starts[f]..Starts[f + 1]]</c>
    /// are fragment f's, by output address; at one address a dropped instruction (no bytes) first;
    /// then by input.
    /// </summary>
    private readonly record struct FragmentMembers(int[] Order, int[] Starts)
    {
        public ReadOnlySpan<int> Of(int fragment) => Order.AsSpan(Starts[fragment], Starts[fragment + 1] - Starts[fragment]);
    }

    // PERF: indexes grouped by a counting pass and sorted by a packed key, not a list of tuples per
    // fragment sorted by a comparison (a program whose every function moved has millions).
    private static FragmentMembers AssignToFragments(AddressMap map, IReadOnlyList<FragmentPlacement> fragments)
    {
        ReadOnlySpan<ulong> inputs = map.InputStarts.AsSpan(), outputs = map.OutputStarts.AsSpan(), ends = map.OutputEnds.AsSpan();
        var starts = fragments.Select(f => f.OutputStart).ToArray();
        var holder = new int[inputs.Length];
        var counts = new int[fragments.Count + 1];
        for (int i = 0; i < inputs.Length; i++)
        {
            int f = Array.BinarySearch(starts, outputs[i]);
            f = f >= 0 ? LastWithStart(starts, f) : ~f - 1;
            while (f >= 0 && !Holds(fragments[f], inputs[i], outputs[i]))
                f--;
            if (f < 0)
                throw new InvalidOperationException($"the instruction at input 0x{inputs[i]:x} (output 0x{outputs[i]:x}) lies in no fragment of the address map");
            holder[i] = f;
            counts[f + 1]++;
        }
        for (int f = 0; f < fragments.Count; f++)
            counts[f + 1] += counts[f];
        var order = new int[inputs.Length];
        var next = counts[..^1];
        for (int i = 0; i < inputs.Length; i++)
            order[next[holder[i]]++] = i; // in input order within each fragment
        var keys = new ulong[inputs.Length];
        for (int k = 0; k < order.Length; k++)
        {
            int i = order[k];
            // Output, then a dropped instruction first: the output is far below 2^63 in an x86-64 program.
            if (outputs[i] > long.MaxValue)
                throw new InvalidOperationException($"the instruction at input 0x{inputs[i]:x} has output address 0x{outputs[i]:x}");
            keys[k] = outputs[i] << 1 | (ends[i] == outputs[i] ? 0UL : 1UL);
        }
        for (int f = 0; f < fragments.Count; f++)
        {
            var fragmentKeys = keys.AsSpan(counts[f], counts[f + 1] - counts[f]);
            var members = order.AsSpan(counts[f], fragmentKeys.Length);
            fragmentKeys.Sort(members);
            // The sort is not stable: equal keys (dropped instructions at one address) back into input order.
            for (int k = 1; k < fragmentKeys.Length;)
            {
                if (fragmentKeys[k] != fragmentKeys[k - 1])
                {
                    k++;
                    continue;
                }
                int runStart = k - 1;
                while (k < fragmentKeys.Length && fragmentKeys[k] == fragmentKeys[runStart])
                    k++;
                members[runStart..k].Sort();
            }
        }
        return new FragmentMembers(order, counts);
    }

    private static int LastWithStart(ulong[] starts, int index)
    {
        while (index + 1 < starts.Length && starts[index + 1] == starts[index])
            index++;
        return index;
    }

    private static bool Holds(FragmentPlacement fragment, ulong input, ulong output) =>
        input >= fragment.InputStart && input < fragment.InputEnd && output >= fragment.OutputStart && output <= fragment.OutputStart + fragment.OutputSize;

    private static int Align4(int value) => (value + 3) & ~3;
}
