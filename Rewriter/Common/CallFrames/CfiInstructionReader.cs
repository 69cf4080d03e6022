using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.CallFrames;

/// <summary>
/// Decodes the CFI instructions in bytes [start, start+length) of <c>data</c> (usually the whole
/// .eh_frame, so that error offsets are section offsets). Operands are scaled by the alignment
/// factors; every malformed or unsupported opcode raises an <see cref="InputFormatException"/>.
/// </summary>
public ref struct CfiInstructionReader
{
    private ByteCursor _cursor;
    private readonly CfiEncoding _encoding;
    private readonly ulong _dataAddress;

    /// <param name="dataAddress">Address of <paramref name="data"/>[0], for pc-relative DW_CFA_set_loc.</param>
    public CfiInstructionReader(ReadOnlySpan<byte> data, int start, int length, string sectionName, CfiEncoding encoding, ulong dataAddress = 0)
    {
        if (start < 0 || length < 0 || start > data.Length || length > data.Length - start)
            throw InputFormatException.At(sectionName, (ulong)Math.Max(start, 0), $"CFI instructions [0x{start:x}, +0x{length:x}) lie outside the section");
        _cursor = new ByteCursor(data[..(start + length)], sectionName, start);
        _encoding = encoding;
        _dataAddress = dataAddress;
    }

    /// <summary>Offset of the next instruction in the data.</summary>
    public readonly int Position => _cursor.Position;

    public readonly InputFormatException Error(string what) => _cursor.Error(what);

    public bool TryRead(out CfiInstruction instruction)
    {
        if (_cursor.AtEnd)
        {
            instruction = default;
            return false;
        }
        instruction = Read();
        return true;
    }

    private CfiInstruction Read()
    {
        int at = _cursor.Position;
        byte opcode = _cursor.U8();
        byte low = (byte)(opcode & CfiOpcode.LowBitsMask);
        switch (opcode & CfiOpcode.PrimaryMask)
        {
            case CfiOpcode.AdvanceLoc: return CfiInstruction.AdvanceLoc(CodeBytes(low, at));
            case CfiOpcode.Offset: return CfiInstruction.OffsetRule(low, DataBytes(_cursor.Uleb(), at));
            case CfiOpcode.Restore: return CfiInstruction.Restore(low);
        }
        switch (opcode)
        {
            case CfiOpcode.Nop: return CfiInstruction.Nop;
            case CfiOpcode.SetLoc:
                if ((_encoding.AddressEncoding & PointerEncoding.Indirect) != 0)
                    throw ErrorAt(at, "DW_CFA_set_loc with an indirect pointer encoding");
                return CfiInstruction.SetLoc(PointerEncoding.Read(ref _cursor, _encoding.AddressEncoding, _dataAddress));
            case CfiOpcode.AdvanceLoc1: return CfiInstruction.AdvanceLoc(CodeBytes(_cursor.U8(), at));
            case CfiOpcode.AdvanceLoc2: return CfiInstruction.AdvanceLoc(CodeBytes(_cursor.U16(), at));
            case CfiOpcode.AdvanceLoc4: return CfiInstruction.AdvanceLoc(CodeBytes(_cursor.U32(), at));
            case CfiOpcode.OffsetExtended:
            {
                uint register = Register();
                return CfiInstruction.OffsetRule(register, DataBytes(_cursor.Uleb(), at));
            }
            case CfiOpcode.OffsetExtendedSf:
            {
                uint register = Register();
                return CfiInstruction.OffsetRule(register, DataBytes(_cursor.Sleb(), at));
            }
            case CfiOpcode.GnuNegativeOffsetExtended:
            {
                uint register = Register();
                return CfiInstruction.OffsetRule(register, Negate(DataBytes(_cursor.Uleb(), at), at));
            }
            case CfiOpcode.RestoreExtended: return CfiInstruction.Restore(Register());
            case CfiOpcode.Undefined: return CfiInstruction.Undefined(Register());
            case CfiOpcode.SameValue: return CfiInstruction.SameValue(Register());
            case CfiOpcode.Register:
            {
                uint register = Register();
                return CfiInstruction.InRegister(register, Register());
            }
            case CfiOpcode.RememberState: return CfiInstruction.RememberState;
            case CfiOpcode.RestoreState: return CfiInstruction.RestoreState;
            case CfiOpcode.DefCfa:
            {
                uint register = Register();
                return CfiInstruction.DefCfa(register, UnfactoredOffset(_cursor.Uleb(), at));
            }
            case CfiOpcode.DefCfaSf:
            {
                uint register = Register();
                return CfiInstruction.DefCfa(register, DataBytes(_cursor.Sleb(), at));
            }
            case CfiOpcode.DefCfaRegister: return CfiInstruction.DefCfaRegister(Register());
            case CfiOpcode.DefCfaOffset: return CfiInstruction.DefCfaOffset(UnfactoredOffset(_cursor.Uleb(), at));
            case CfiOpcode.DefCfaOffsetSf: return CfiInstruction.DefCfaOffset(DataBytes(_cursor.Sleb(), at));
            case CfiOpcode.DefCfaExpression: return CfiInstruction.DefCfaExpression(ExpressionBytes());
            case CfiOpcode.Expression:
            {
                uint register = Register();
                return CfiInstruction.ExpressionRule(register, ExpressionBytes());
            }
            case CfiOpcode.ValExpression:
            {
                uint register = Register();
                return CfiInstruction.ValExpression(register, ExpressionBytes());
            }
            case CfiOpcode.ValOffset:
            {
                uint register = Register();
                return CfiInstruction.ValOffset(register, DataBytes(_cursor.Uleb(), at));
            }
            case CfiOpcode.ValOffsetSf:
            {
                uint register = Register();
                return CfiInstruction.ValOffset(register, DataBytes(_cursor.Sleb(), at));
            }
            case CfiOpcode.GnuArgsSize: return CfiInstruction.GnuArgsSize(_cursor.Uleb());
            case CfiOpcode.GnuWindowSave:
                throw ErrorAt(at, "DW_CFA_GNU_window_save is not an x86-64 instruction");
            default:
                throw ErrorAt(at, $"unknown CFI opcode 0x{opcode:x2}");
        }
    }

    private uint Register()
    {
        int at = _cursor.Position;
        ulong register = _cursor.Uleb();
        if (register > CfiRegisterNames.MaxRegister)
            throw ErrorAt(at, $"register number {register} is not an x86-64 DWARF register");
        return (uint)register;
    }

    private CfiExpression ExpressionBytes()
    {
        int at = _cursor.Position;
        ulong length = _cursor.Uleb();
        if (length > (ulong)(_cursor.Length - _cursor.Position))
            throw ErrorAt(at, $"expression of 0x{length:x} bytes runs past the end of the CFI program");
        return new CfiExpression(_cursor.Take((int)length));
    }

    private readonly ulong CodeBytes(ulong factored, int at)
    {
        ulong product = factored * _encoding.CodeAlignment;
        if (_encoding.CodeAlignment != 0 && product / _encoding.CodeAlignment != factored)
            throw ErrorAt(at, "advance overflows");
        return product;
    }

    private readonly long DataBytes(ulong factored, int at) =>
        factored > long.MaxValue ? throw ErrorAt(at, $"factored offset 0x{factored:x} is too large") : DataBytes((long)factored, at);

    private readonly long DataBytes(long factored, int at)
    {
        try
        {
            return checked(factored * _encoding.DataAlignment);
        }
        catch (OverflowException)
        {
            throw ErrorAt(at, $"offset {factored} x data alignment {_encoding.DataAlignment} overflows");
        }
    }

    private readonly long UnfactoredOffset(ulong value, int at) =>
        value > long.MaxValue ? throw ErrorAt(at, $"CFA offset 0x{value:x} is too large") : (long)value;

    private readonly long Negate(long value, int at) =>
        value == long.MinValue ? throw ErrorAt(at, "offset overflows") : -value;

    private readonly InputFormatException ErrorAt(int offset, string what) =>
        InputFormatException.At(_cursor.SectionName, (ulong)offset, what);
}
