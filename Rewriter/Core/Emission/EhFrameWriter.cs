using System.Buffers.Binary;
using Rewriter.Common;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;

namespace Rewriter.Emission;

/// <summary>
/// Writes .eh_frame entries at a known address: CIEs (each once, re-encoded so pc-relative
/// personality pointers still reach their target) and FDEs whose pointers are encoded for their
/// new position.
/// </summary>
internal sealed class EhFrameWriter(ulong address, ReadOnlyMemory<byte> originalSection)
{
    private readonly List<byte> _bytes = [];
    private readonly Dictionary<int, int> _cieOffsets = []; // input CIE offset → output offset

    /// <summary>Each FDE's code start and its address, for .eh_frame_hdr.</summary>
    public List<(ulong Start, ulong Fde)> FdeStarts { get; } = [];

    private ulong Here => address + (ulong)_bytes.Count;

    /// <summary>An FDE of code that did not move: the same CFI, LSDA and range, re-encoded here.</summary>
    /// <summary>The FDE as it was, for its code at <paramref name="start"/> (default: where it was).</summary>
    public void CopyFde(Fde fde, ulong? start = null) =>
        NewFde(fde.Cie, start ?? fde.PcBegin, fde.PcRange, fde.Lsda ?? 0, originalSection.Span.Slice(fde.InstructionsOffset, fde.InstructionsLength).ToArray());

    public void NewFde(Cie cie, ulong start, ulong length, ulong lsda, byte[] instructions)
    {
        int cieOffset = WriteCie(cie);
        int entry = _bytes.Count;
        FdeStarts.Add((start, Here));
        Reserve(4); // length
        int pointerField = _bytes.Count;
        U32((uint)(pointerField - cieOffset));
        Pointer(cie.FdeEncoding, start);
        Pointer((byte)(cie.FdeEncoding & 0x0f), length);
        if (cie.Augmentation.StartsWith('z'))
        {
            bool hasLsda = cie.LsdaEncoding != PointerEncoding.Omit;
            int size = hasLsda ? PointerSize(cie.LsdaEncoding) : 0;
            _bytes.Add((byte)size); // ULEB128 of a size below 128
            if (hasLsda)
            {
                if (lsda == 0)
                    _bytes.AddRange(new byte[size]); // no LSDA: a null pointer of the encoding's size
                else
                    Pointer(cie.LsdaEncoding, lsda);
            }
        }
        _bytes.AddRange(instructions);
        FinishEntry(entry);
    }

    /// <summary>The section, ended by a zero terminator.</summary>
    public byte[] Finish()
    {
        U32(0);
        return _bytes.ToArray();
    }

    private int WriteCie(Cie cie)
    {
        if (_cieOffsets.TryGetValue(cie.Offset, out int existing))
            return existing;
        int entry = _bytes.Count;
        _cieOffsets[cie.Offset] = entry;
        Reserve(4);
        U32(0); // CIE id
        _bytes.Add(cie.Version);
        _bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(cie.Augmentation));
        _bytes.Add(0);
        if (cie.Version == 4)
        {
            _bytes.Add(8);
            _bytes.Add(0);
        }
        Uleb(cie.CodeAlignment);
        Sleb(cie.DataAlignment);
        if (cie.Version == 1) _bytes.Add((byte)cie.ReturnAddressRegister); else Uleb(cie.ReturnAddressRegister);
        if (cie.Augmentation.StartsWith('z'))
        {
            int lengthAt = _bytes.Count;
            _bytes.Add(0); // augmentation length, patched below (always < 128 here)
            int dataStart = _bytes.Count;
            foreach (char letter in cie.Augmentation.AsSpan(1))
            {
                switch (letter)
                {
                    case 'R': _bytes.Add(cie.FdeEncoding); break;
                    case 'L': _bytes.Add(cie.LsdaEncoding); break;
                    case 'P':
                        _bytes.Add(cie.PersonalityEncoding);
                        Pointer((byte)(cie.PersonalityEncoding & ~PointerEncoding.Indirect), cie.Personality);
                        break;
                    case 'S' or 'B' or 'G': break;
                    default: throw new InvalidOperationException($"cannot re-encode CIE augmentation '{cie.Augmentation}'");
                }
            }
            _bytes[lengthAt] = checked((byte)(_bytes.Count - dataStart));
        }
        _bytes.AddRange(originalSection.Span.Slice(cie.InstructionsOffset, cie.InstructionsLength).ToArray());
        FinishEntry(entry);
        return entry;
    }

    /// <summary>Pads the entry with DW_CFA_nop to a multiple of 8 and writes its length.</summary>
    private void FinishEntry(int entry)
    {
        while ((_bytes.Count - entry) % 8 != 0)
            _bytes.Add(0);
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)(_bytes.Count - entry - 4));
        for (int i = 0; i < 4; i++)
            _bytes[entry + i] = length[i];
    }

    private void Pointer(byte encoding, ulong value)
    {
        ulong place = Here;
        ulong stored = (encoding & 0x70) switch
        {
            0 => value,
            PointerEncoding.PcRelative => value - place,
            _ => throw new InvalidOperationException($"cannot re-encode pointer encoding 0x{encoding:x2}"),
        };
        switch (encoding & 0x0f)
        {
            case PointerEncoding.Absolute or PointerEncoding.UData8 or PointerEncoding.SData8: U64(stored); break;
            case PointerEncoding.UData4: U32(checked((uint)stored)); break;
            case PointerEncoding.SData4:
                if ((long)stored is < int.MinValue or > int.MaxValue)
                    throw new InvalidOperationException($"pointer 0x{value:x} (encoding 0x{encoding:x2}) at 0x{place:x} does not fit 32 bits");
                U32((uint)(int)(long)stored);
                break;
            case PointerEncoding.UData2 or PointerEncoding.SData2: U16((ushort)stored); break;
            case PointerEncoding.Uleb128: Uleb(stored); break;
            case PointerEncoding.Sleb128: Sleb((long)stored); break;
            default: throw new InvalidOperationException($"cannot re-encode pointer encoding 0x{encoding:x2}");
        }
    }

    private static int PointerSize(byte encoding) => PointerEncoding.FixedSize(encoding) is > 0 and var size
        ? size
        : throw new InvalidOperationException($"variable-size LSDA pointer encoding 0x{encoding:x2}");

    private void Reserve(int count) => _bytes.AddRange(new byte[count]);
    private void U16(ushort value) { _bytes.Add((byte)value); _bytes.Add((byte)(value >> 8)); }
    private void U32(uint value) { for (int i = 0; i < 4; i++) _bytes.Add((byte)(value >> (8 * i))); }
    private void U64(ulong value) { for (int i = 0; i < 8; i++) _bytes.Add((byte)(value >> (8 * i))); }

    private void Uleb(ulong value) => Leb128.AddUnsigned(_bytes, value);

    private void Sleb(long value) => Leb128.AddSigned(_bytes, value);
}
