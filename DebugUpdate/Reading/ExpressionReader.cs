namespace Rewriter.DebugUpdate.Reading;

/// <summary>What an operation's operands mean, beyond plain numbers.</summary>
public enum OperandMeaning : byte
{
    /// <summary>Numbers only (registers, constants, offsets, sizes).</summary>
    Plain,
    /// <summary>Operand 1 is an address (DW_OP_addr).</summary>
    Address,
    /// <summary>Operand 1 is an index into .debug_addr naming an address (DW_OP_addrx, DW_OP_GNU_addr_index).</summary>
    AddressIndex,
    /// <summary>Operand 1 is an index into .debug_addr naming a constant (DW_OP_constx, DW_OP_GNU_const_index).</summary>
    ConstantIndex,
    /// <summary>Operand 1 is a unit-relative offset of a base-type DIE, 0 for the generic type (convert, regval_type, ...).</summary>
    BaseType,
    /// <summary>Operand 1 is a unit-relative DIE offset (DW_OP_call2/4, DW_OP_GNU_parameter_ref).</summary>
    UnitDie,
    /// <summary>Operand 1 is a .debug_info offset of a DIE (call_ref, implicit_pointer, GNU_variable_value).</summary>
    InfoDie,
    /// <summary>A 2-byte signed branch displacement (DW_OP_bra, DW_OP_skip) in operand 1.</summary>
    Branch,
    /// <summary>The block is a nested expression (DW_OP_entry_value).</summary>
    NestedExpression,
}

/// <summary>One decoded operation: its opcode, up to two operands and an optional block (implicit values, nested expressions).</summary>
public readonly record struct ExpressionOperation(byte Opcode, int Position, int End, ulong Operand1, ulong Operand2,
    int BlockStart, int BlockLength, OperandMeaning Meaning);

/// <summary>
/// Walks a DWARF expression (DWARF 2–5 plus the GNU extensions) one operation at a time, in place.
/// Positions are relative to the expression's first byte.
/// </summary>
public ref struct ExpressionReader
{
    private DwarfCursor _cursor;
    private readonly UnitEncoding _encoding;

    public ExpressionReader(ReadOnlySpan<byte> expression, UnitEncoding encoding, string section = "expression", long baseOffset = 0, string? file = null)
    {
        _cursor = new DwarfCursor(expression, section, baseOffset, file);
        _encoding = encoding;
    }

    public readonly bool AtEnd => _cursor.AtEnd;
    public readonly int Position => _cursor.Position;

    /// <summary>Decodes the next operation; an unknown opcode throws <see cref="DwarfFormatException"/>.</summary>
    public ExpressionOperation Read()
    {
        int position = _cursor.Position;
        byte opcode = _cursor.ReadU8();
        ulong a = 0, b = 0;
        int blockStart = 0, blockLength = 0;
        var meaning = OperandMeaning.Plain;
        int infoOffsetSize = _encoding.Version <= 2 ? _encoding.AddressSize : _encoding.OffsetSize;
        switch (opcode)
        {
            case 0x03: a = _cursor.ReadAddress(_encoding.AddressSize); meaning = OperandMeaning.Address; break;
            case 0x08 or 0x15 or 0x94 or 0x95: a = _cursor.ReadU8(); break;                 // const1u, pick, deref_size, xderef_size
            case 0x09: a = (ulong)(long)(sbyte)_cursor.ReadU8(); break;                    // const1s
            case 0x0a: a = _cursor.ReadU16(); break;                                        // const2u
            case 0x0b: a = (ulong)(long)(short)_cursor.ReadU16(); break;                   // const2s
            case 0x0c: a = _cursor.ReadU32(); break;                                        // const4u
            case 0x0d: a = (ulong)(long)(int)_cursor.ReadU32(); break;                     // const4s
            case 0x0e or 0x0f: a = _cursor.ReadU64(); break;                                // const8u, const8s
            case 0x10 or 0x23 or 0x90 or 0x93: a = _cursor.ReadUleb(); break;               // constu, plus_uconst, regx, piece
            case 0x11 or 0x91: a = (ulong)_cursor.ReadSleb(); break;                        // consts, fbreg
            case >= 0x70 and <= 0x8f: a = (ulong)_cursor.ReadSleb(); break;                 // breg0..31
            case 0x92: a = _cursor.ReadUleb(); b = (ulong)_cursor.ReadSleb(); break;        // bregx
            case 0x9d: a = _cursor.ReadUleb(); b = _cursor.ReadUleb(); break;               // bit_piece
            case 0x28 or 0x2f: a = (ulong)(long)(short)_cursor.ReadU16(); meaning = OperandMeaning.Branch; break; // bra, skip
            case 0x98: a = _cursor.ReadU16(); meaning = OperandMeaning.UnitDie; break;      // call2
            case 0x99 or 0xfa: a = _cursor.ReadU32(); meaning = OperandMeaning.UnitDie; break; // call4, GNU_parameter_ref
            case 0x9a or 0xfd: a = _cursor.ReadOffset(infoOffsetSize); meaning = OperandMeaning.InfoDie; break; // call_ref, GNU_variable_value
            case 0xa0 or 0xf2:                                                              // implicit_pointer, GNU_implicit_pointer
                a = _cursor.ReadOffset(infoOffsetSize);
                b = (ulong)_cursor.ReadSleb();
                meaning = OperandMeaning.InfoDie;
                break;
            case 0x9e: Block(_cursor.ReadUleb(), ref blockStart, ref blockLength); break;  // implicit_value
            case 0xa3 or 0xf3:                                                              // entry_value, GNU_entry_value
                Block(_cursor.ReadUleb(), ref blockStart, ref blockLength);
                meaning = OperandMeaning.NestedExpression;
                break;
            case 0xa1 or 0xfb: a = _cursor.ReadUleb(); meaning = OperandMeaning.AddressIndex; break; // addrx, GNU_addr_index
            case 0xa2 or 0xfc: a = _cursor.ReadUleb(); meaning = OperandMeaning.ConstantIndex; break; // constx, GNU_const_index
            case 0xa4 or 0xf4:                                                              // const_type: type, size, bytes
                a = _cursor.ReadUleb();
                Block(_cursor.ReadU8(), ref blockStart, ref blockLength);
                meaning = OperandMeaning.BaseType;
                break;
            case 0xa5 or 0xf5: b = _cursor.ReadUleb(); a = _cursor.ReadUleb(); meaning = OperandMeaning.BaseType; break; // regval_type: register, type
            case 0xa6 or 0xa7 or 0xf6: b = _cursor.ReadU8(); a = _cursor.ReadUleb(); meaning = OperandMeaning.BaseType; break; // deref_type, xderef_type: size, type
            case 0xa8 or 0xa9 or 0xf7 or 0xf9: a = _cursor.ReadUleb(); meaning = OperandMeaning.BaseType; break; // convert, reinterpret
            case 0x06 or (>= 0x12 and <= 0x14) or (>= 0x16 and <= 0x22) or (>= 0x24 and <= 0x27) or (>= 0x29 and <= 0x2e)
                or (>= 0x30 and <= 0x6f) or 0x96 or 0x97 or 0x9b or 0x9c or 0x9f or 0xe0 or 0xf0:
                break;                                                                      // no operands
            default:
                throw _cursor.ErrorAt(position, $"unknown DWARF expression operation 0x{opcode:x2}");
        }
        return new ExpressionOperation(opcode, position, _cursor.Position, a, b, blockStart, blockLength, meaning);
    }

    private void Block(ulong length, ref int start, ref int blockLength)
    {
        start = _cursor.Position;
        _cursor.Skip(length);
        blockLength = (int)length;
    }

    /// <summary>The number of the operation starting at byte <paramref name="position"/>, or -1 when none starts there.</summary>
    public static int OperationNumberAt(ReadOnlySpan<byte> expression, UnitEncoding encoding, long position)
    {
        var reader = new ExpressionReader(expression, encoding);
        for (int number = 0; ; number++)
        {
            if (reader.Position == position)
                return number;
            if (reader.AtEnd || reader.Position > position)
                return -1;
            reader.Read();
        }
    }
}
