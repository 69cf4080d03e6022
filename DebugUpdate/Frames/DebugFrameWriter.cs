using Rewriter.DebugUpdate.Building;
using Rewriter.CallFrames;

namespace Rewriter.DebugUpdate.Frames;

/// <summary>
/// Writes a .debug_frame section entry by entry: CIEs copied byte for byte, FDEs of code that
/// stayed copied with their CIE pointer renumbered, new FDEs for moved code. CIE pointers are
/// section offsets and addresses are 8-byte target addresses, as in the input.
/// </summary>
internal sealed class DebugFrameWriter(ReadOnlyMemory<byte> input)
{
    private readonly ByteWriter _output = new(input.Length + 64);
    private readonly Dictionary<int, int> _cieOffsets = []; // input CIE offset → output offset

    public void CopyCie(Cie cie)
    {
        _cieOffsets[cie.Offset] = _output.Position;
        _output.WriteBytes(input.Span[cie.Offset..cie.End]);
    }

    /// <summary>The FDE as it was (its padding too), pointing at its CIE's new place.</summary>
    public void CopyFde(Fde fde)
    {
        int start = _output.Position;
        _output.WriteBytes(input.Span[fde.Offset..(fde.InstructionsOffset + fde.InstructionsLength)]);
        int pointerField = start + (fde.IsDwarf64 ? 12 : 4);
        _output.Patch(pointerField, (ulong)_cieOffsets[fde.Cie.Offset], fde.IsDwarf64 ? 8 : 4);
    }

    /// <summary>An FDE in the input FDE's format for code at [start, start + length).</summary>
    public void NewFde(Fde like, ulong start, ulong length, ReadOnlySpan<byte> instructions)
    {
        int entry = _output.Position;
        int lengthField;
        if (like.IsDwarf64)
        {
            _output.WriteU32(uint.MaxValue);
            lengthField = _output.Reserve(8);
            _output.WriteU64((ulong)_cieOffsets[like.Cie.Offset]);
        }
        else
        {
            lengthField = _output.Reserve(4);
            _output.WriteU32((uint)_cieOffsets[like.Cie.Offset]);
        }
        _output.WriteU64(start);
        _output.WriteU64(length);
        _output.WriteBytes(instructions);
        // DW_CFA_nop up to a multiple of the address size, as compilers pad.
        while ((_output.Position - entry) % 8 != 0)
            _output.WriteU8(0);
        int size = like.IsDwarf64 ? 8 : 4;
        _output.Patch(lengthField, (ulong)(_output.Position - lengthField - size), size);
    }

    public ReadOnlyMemory<byte> Finish() => _output.Written;
}
