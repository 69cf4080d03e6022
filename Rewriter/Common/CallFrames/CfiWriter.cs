using System.Buffers;
using System.Buffers.Binary;
using Rewriter.Common;

namespace Rewriter.CallFrames;

/// <summary>
/// Serializes CFI instructions, choosing for each the shortest opcode form that the alignment
/// factors allow. Instructions that cannot be expressed (an offset that is not a multiple of the
/// data alignment, DW_CFA_set_loc) are a caller bug and raise <see cref="ArgumentException"/>.
/// </summary>
public static class CfiWriter
{
    // Opcode + register ULEB + operand LEB + expression length ULEB, with room to spare.
    private const int MaxHeaderSize = 32;

    public static byte[] Encode(IEnumerable<CfiInstruction> instructions, CfiEncoding encoding)
    {
        var output = new ArrayBufferWriter<byte>();
        foreach (var instruction in instructions)
            Write(instruction, encoding, output);
        return output.WrittenSpan.ToArray();
    }

    public static void Write(in CfiInstruction instruction, CfiEncoding encoding, IBufferWriter<byte> output)
    {
        if (instruction.Kind == CfiInstructionKind.AdvanceLoc)
        {
            WriteAdvance(instruction.Value, encoding.CodeAlignment, output);
            return;
        }
        Span<byte> header = stackalloc byte[MaxHeaderSize];
        int length = EncodeHeader(instruction, encoding, header, throwIfImpossible: true);
        output.Write(header[..length]);
        output.Write(instruction.Expression.Bytes);
    }

    /// <summary>Encoded size in bytes, or -1 if the instruction cannot be encoded with these factors.</summary>
    public static int SizeOf(in CfiInstruction instruction, CfiEncoding encoding)
    {
        if (instruction.Kind == CfiInstructionKind.AdvanceLoc)
            return AdvanceSize(instruction.Value, encoding.CodeAlignment);
        Span<byte> header = stackalloc byte[MaxHeaderSize];
        int length = EncodeHeader(instruction, encoding, header, throwIfImpossible: false);
        return length < 0 ? -1 : length + instruction.Expression.Length;
    }

    private static int AdvanceSize(ulong bytes, ulong codeAlignment)
    {
        if (codeAlignment == 0 || bytes % codeAlignment != 0)
            return -1;
        ulong factored = bytes / codeAlignment;
        int size = 0;
        do
        {
            ulong step = Math.Min(factored, uint.MaxValue);
            size += step <= CfiOpcode.LowBitsMask ? 1 : step <= byte.MaxValue ? 2 : step <= ushort.MaxValue ? 3 : 5;
            factored -= step;
        } while (factored > 0);
        return size;
    }

    private static void WriteAdvance(ulong bytes, ulong codeAlignment, IBufferWriter<byte> output)
    {
        if (codeAlignment == 0 || bytes % codeAlignment != 0)
            throw new ArgumentException($"advance of {bytes} bytes is not a multiple of the code alignment {codeAlignment}");
        ulong factored = bytes / codeAlignment;
        Span<byte> buffer = stackalloc byte[5];
        do
        {
            // Larger advances than one advance_loc4 can carry are split.
            ulong step = Math.Min(factored, uint.MaxValue);
            int length;
            if (step <= CfiOpcode.LowBitsMask)
            {
                buffer[0] = (byte)(CfiOpcode.AdvanceLoc | step);
                length = 1;
            }
            else if (step <= byte.MaxValue)
            {
                buffer[0] = CfiOpcode.AdvanceLoc1;
                buffer[1] = (byte)step;
                length = 2;
            }
            else if (step <= ushort.MaxValue)
            {
                buffer[0] = CfiOpcode.AdvanceLoc2;
                BinaryPrimitives.WriteUInt16LittleEndian(buffer[1..], (ushort)step);
                length = 3;
            }
            else
            {
                buffer[0] = CfiOpcode.AdvanceLoc4;
                BinaryPrimitives.WriteUInt32LittleEndian(buffer[1..], (uint)step);
                length = 5;
            }
            output.Write(buffer[..length]);
            factored -= step;
        } while (factored > 0);
    }

    /// <summary>Writes everything but the expression bytes; returns the length or -1.</summary>
    private static int EncodeHeader(in CfiInstruction instruction, CfiEncoding encoding, Span<byte> buffer, bool throwIfImpossible)
    {
        var w = new LebSpanWriter(buffer);
        uint register = instruction.Register;
        long offset = instruction.Offset;
        switch (instruction.Kind)
        {
            case CfiInstructionKind.Nop: w.Op(CfiOpcode.Nop); break;
            case CfiInstructionKind.DefCfa:
            {
                bool factorable = TryFactor(offset, encoding.DataAlignment, out long factored);
                if (offset >= 0 && (!factorable || Leb128.UnsignedSize((ulong)offset) <= Leb128.SignedSize(factored)))
                    w.Op(CfiOpcode.DefCfa, register, (ulong)offset);
                else if (factorable)
                    w.OpSigned(CfiOpcode.DefCfaSf, register, factored);
                else
                    return Impossible(instruction, encoding, throwIfImpossible);
                break;
            }
            case CfiInstructionKind.DefCfaOffset:
            {
                bool factorable = TryFactor(offset, encoding.DataAlignment, out long factored);
                if (offset >= 0 && (!factorable || Leb128.UnsignedSize((ulong)offset) <= Leb128.SignedSize(factored)))
                    w.Op(CfiOpcode.DefCfaOffset, (ulong)offset);
                else if (factorable)
                    w.OpSigned(CfiOpcode.DefCfaOffsetSf, factored);
                else
                    return Impossible(instruction, encoding, throwIfImpossible);
                break;
            }
            case CfiInstructionKind.DefCfaRegister: w.Op(CfiOpcode.DefCfaRegister, register); break;
            case CfiInstructionKind.DefCfaExpression: w.Op(CfiOpcode.DefCfaExpression, (ulong)instruction.Expression.Length); break;
            case CfiInstructionKind.Undefined: w.Op(CfiOpcode.Undefined, register); break;
            case CfiInstructionKind.SameValue: w.Op(CfiOpcode.SameValue, register); break;
            case CfiInstructionKind.Register: w.Op(CfiOpcode.Register, register, instruction.SourceRegister); break;
            case CfiInstructionKind.Offset:
            {
                if (!TryFactor(offset, encoding.DataAlignment, out long factored))
                    return Impossible(instruction, encoding, throwIfImpossible);
                if (factored < 0)
                    w.OpSigned(CfiOpcode.OffsetExtendedSf, register, factored);
                else if (register <= CfiOpcode.LowBitsMask)
                    w.Op((byte)(CfiOpcode.Offset | register), (ulong)factored);
                else
                    w.Op(CfiOpcode.OffsetExtended, register, (ulong)factored);
                break;
            }
            case CfiInstructionKind.ValOffset:
            {
                if (!TryFactor(offset, encoding.DataAlignment, out long factored))
                    return Impossible(instruction, encoding, throwIfImpossible);
                if (factored < 0)
                    w.OpSigned(CfiOpcode.ValOffsetSf, register, factored);
                else
                    w.Op(CfiOpcode.ValOffset, register, (ulong)factored);
                break;
            }
            case CfiInstructionKind.Expression: w.Op(CfiOpcode.Expression, register, (ulong)instruction.Expression.Length); break;
            case CfiInstructionKind.ValExpression: w.Op(CfiOpcode.ValExpression, register, (ulong)instruction.Expression.Length); break;
            case CfiInstructionKind.Restore:
                if (register <= CfiOpcode.LowBitsMask)
                    w.Op((byte)(CfiOpcode.Restore | register));
                else
                    w.Op(CfiOpcode.RestoreExtended, register);
                break;
            case CfiInstructionKind.RememberState: w.Op(CfiOpcode.RememberState); break;
            case CfiInstructionKind.RestoreState: w.Op(CfiOpcode.RestoreState); break;
            case CfiInstructionKind.GnuArgsSize: w.Op(CfiOpcode.GnuArgsSize, instruction.Value); break;
            default:
                return Impossible(instruction, encoding, throwIfImpossible);
        }
        return w.Length;
    }

    private static bool TryFactor(long offset, long dataAlignment, out long factored)
    {
        factored = 0;
        if (offset == 0)
            return true;
        if (dataAlignment == 0 || offset % dataAlignment != 0)
            return false;
        factored = offset / dataAlignment;
        return true;
    }

    private static int Impossible(in CfiInstruction instruction, CfiEncoding encoding, bool throwIfImpossible) =>
        throwIfImpossible
            ? throw new ArgumentException($"'{instruction}' cannot be encoded with code alignment {encoding.CodeAlignment} and data alignment {encoding.DataAlignment}")
            : -1;

    /// <summary>Appends bytes and LEB128 numbers to a span sized for the worst case.</summary>
    private ref struct LebSpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        public int Length { get; private set; }

        public void Op(byte opcode) => _buffer[Length++] = opcode;

        public void Op(byte opcode, ulong operand)
        {
            Op(opcode);
            Uleb(operand);
        }

        public void Op(byte opcode, ulong first, ulong second)
        {
            Op(opcode, first);
            Uleb(second);
        }

        public void OpSigned(byte opcode, long operand)
        {
            Op(opcode);
            Sleb(operand);
        }

        public void OpSigned(byte opcode, ulong first, long second)
        {
            Op(opcode, first);
            Sleb(second);
        }

        private void Uleb(ulong value) => Length += Leb128.WriteUnsigned(_buffer[Length..], value);

        private void Sleb(long value) => Length += Leb128.WriteSigned(_buffer[Length..], value);
    }
}
