using Rewriter.Common;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Encodes line-table rows as a DWARF line program for a given header (its line_base, line_range,
/// opcode_base and minimum instruction length): special opcodes where they fit, standard and
/// extended opcodes otherwise. One sequence at a time: <see cref="BeginSequence"/>, rows in address
/// order, <see cref="EndSequence"/>.
/// </summary>
public sealed class LineProgramEncoder(ByteWriter output, LineProgramHeader header)
{
    private readonly int _addressSize = header.AddressSize != 0 ? header.AddressSize : 8;
    private ulong _address;
    private uint _file, _line, _column, _isa;
    private bool _isStmt;
    private bool _inSequence;

    public void BeginSequence(ulong address)
    {
        // Not the standard's 1: bfd (binutils 2.40's addr2line, gdb 13) starts a DWARF 5 sequence at
        // file 0, so each sequence's first row names its file whatever it is.
        _file = uint.MaxValue;
        _line = 1;
        _column = 0;
        _isa = 0;
        _isStmt = header.DefaultIsStmt;
        SetAddress(address);
        _inSequence = true;
    }

    public void Row(in LineRow row)
    {
        if (!_inSequence)
            throw new InvalidOperationException("a row outside a sequence");
        if (row.File != _file)
        {
            output.WriteU8((byte)DwLns.SetFile);
            output.WriteUleb(row.File);
            _file = row.File;
        }
        if (row.Column != _column)
        {
            output.WriteU8((byte)DwLns.SetColumn);
            output.WriteUleb(row.Column);
            _column = row.Column;
        }
        if (row.IsStmt != _isStmt)
        {
            output.WriteU8((byte)DwLns.NegateStmt);
            _isStmt = row.IsStmt;
        }
        if (row.Isa != _isa && header.OpcodeBase > (byte)DwLns.SetIsa)
        {
            output.WriteU8((byte)DwLns.SetIsa);
            output.WriteUleb(row.Isa);
            _isa = row.Isa;
        }
        if ((row.Flags & LineRowFlags.BasicBlock) != 0)
            output.WriteU8((byte)DwLns.SetBasicBlock);
        if ((row.Flags & LineRowFlags.PrologueEnd) != 0 && header.OpcodeBase > (byte)DwLns.SetPrologueEnd)
            output.WriteU8((byte)DwLns.SetPrologueEnd);
        if ((row.Flags & LineRowFlags.EpilogueBegin) != 0 && header.OpcodeBase > (byte)DwLns.SetEpilogueBegin)
            output.WriteU8((byte)DwLns.SetEpilogueBegin);
        if (row.Discriminator != 0)
        {
            output.WriteU8(0);
            output.WriteUleb(1 + (ulong)Leb128.UnsignedSize(row.Discriminator));
            output.WriteU8((byte)DwLne.SetDiscriminator);
            output.WriteUleb(row.Discriminator);
        }
        long lineDelta = (long)row.Line - _line;
        _line = row.Line;
        if (!TryAdvance(row.Address, lineDelta))
        {
            if (lineDelta != 0)
            {
                output.WriteU8((byte)DwLns.AdvanceLine);
                output.WriteSleb(lineDelta);
            }
            output.WriteU8((byte)DwLns.Copy);
        }
    }

    public void EndSequence(ulong endAddress)
    {
        if (endAddress < _address)
            throw new InvalidOperationException($"sequence end 0x{endAddress:x} before its last row 0x{_address:x}");
        MoveTo(endAddress);
        output.WriteU8(0);
        output.WriteUleb(1);
        output.WriteU8((byte)DwLne.EndSequence);
        _inSequence = false;
    }

    // A special opcode advances the address and the line and appends a row in one byte.
    private bool TryAdvance(ulong address, long lineDelta)
    {
        if (address < _address)
            throw new InvalidOperationException($"row 0x{address:x} before the previous one 0x{_address:x}");
        if (header.MinimumInstructionLength != 1 || header.LineRange == 0)
        {
            MoveTo(address);
            return false;
        }
        ulong advance = address - _address;
        if (lineDelta >= header.LineBase && lineDelta < header.LineBase + header.LineRange)
        {
            ulong opcode = (ulong)(lineDelta - header.LineBase) + header.LineRange * advance + header.OpcodeBase;
            if (opcode <= 255)
            {
                output.WriteU8((byte)opcode);
                _address = address;
                return true;
            }
        }
        MoveTo(address);
        return false;
    }

    private void MoveTo(ulong address)
    {
        if (address == _address)
            return;
        if (header.MinimumInstructionLength != 1)
        {
            SetAddress(address);
            return;
        }
        output.WriteU8((byte)DwLns.AdvancePc);
        output.WriteUleb(address - _address);
        _address = address;
    }

    private void SetAddress(ulong address)
    {
        output.WriteU8(0);
        output.WriteUleb(1 + (ulong)_addressSize);
        output.WriteU8((byte)DwLne.SetAddress);
        output.WriteUnsigned(address, _addressSize);
        _address = address;
    }
}
