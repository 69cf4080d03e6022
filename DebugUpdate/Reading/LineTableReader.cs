using System.Text;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>Reads .debug_line programs (DWARF 2–5) into headers and rows.</summary>
public static class LineTableReader
{
    public static LineTable Read(SectionView section, ulong offset, LineStringSources strings, int defaultAddressSize = 8)
    {
        var header = ReadHeader(section, offset, strings);
        return new LineTable(header, RunProgram(section, header, defaultAddressSize));
    }

    /// <param name="withPaths">
    /// decode the directory and file names (and keep the MD5s); without, the entries are still read
    /// and checked, but their paths are empty: for a caller that copies the header's bytes
    /// </param>
    public static LineProgramHeader ReadHeader(SectionView section, ulong offset, LineStringSources strings, bool withPaths = true)
    {
        if (offset >= (ulong)section.Length)
            throw section.Error((long)Math.Min(offset, (ulong)section.Length), $"line table offset 0x{offset:x} is outside the section (size 0x{section.Length:x})");
        long start = (long)offset;
        var cursor = section.CursorAt(start);
        ulong length = cursor.ReadInitialLength(out int offsetSize);
        if (length > (ulong)cursor.Remaining)
            throw section.Error(start, $"line table length 0x{length:x} runs past the end of the section");
        long end = cursor.Position + (long)length;
        ushort version = cursor.ReadU16();
        if (version is < 2 or > 5)
            throw section.Error(start, $"unsupported line table version {version}");
        byte addressSize = 0, segmentSelectorSize = 0;
        if (version >= 5)
        {
            addressSize = cursor.ReadU8();
            segmentSelectorSize = cursor.ReadU8();
            if (addressSize is not (1 or 2 or 4 or 8))
                throw section.Error(start, $"unsupported line table address size {addressSize}");
        }
        ulong headerLength = cursor.ReadOffset(offsetSize);
        if (headerLength > (ulong)(end - cursor.Position))
            throw section.Error(start, $"header_length 0x{headerLength:x} runs past the end of the line table");
        long programOffset = cursor.Position + (long)headerLength;

        byte minInstLength = cursor.ReadU8();
        byte maxOps = version >= 4 ? cursor.ReadU8() : (byte)1;
        bool defaultIsStmt = cursor.ReadU8() != 0;
        sbyte lineBase = cursor.ReadS8();
        byte lineRange = cursor.ReadU8();
        byte opcodeBase = cursor.ReadU8();
        var standardLengths = new byte[Math.Max(0, opcodeBase - 1)];
        for (int i = 0; i < standardLengths.Length; i++)
            standardLengths[i] = cursor.ReadU8();

        var directories = new List<string>();
        var files = new List<LineFileEntry>();
        if (version >= 5)
        {
            ReadEntryTable(section, ref cursor, strings, offsetSize, directories, null, withPaths);
            ReadEntryTable(section, ref cursor, strings, offsetSize, null, files, withPaths);
        }
        else
        {
            while (true)
            {
                var directory = cursor.ReadCString();
                if (directory.IsEmpty)
                    break;
                directories.Add(withPaths ? Encoding.UTF8.GetString(directory) : "");
            }
            while (true)
            {
                var name = cursor.ReadCString();
                if (name.IsEmpty)
                    break;
                files.Add(new LineFileEntry(withPaths ? Encoding.UTF8.GetString(name) : "", cursor.ReadUleb(), cursor.ReadUleb(), cursor.ReadUleb(), null));
            }
        }
        if (cursor.Position > programOffset)
            throw section.Error(start, "line table header is longer than its header_length");

        return new LineProgramHeader
        {
            Offset = start,
            End = end,
            OffsetSize = offsetSize,
            Version = version,
            AddressSize = addressSize,
            SegmentSelectorSize = segmentSelectorSize,
            HeaderLength = headerLength,
            MinimumInstructionLength = minInstLength,
            MaximumOperationsPerInstruction = maxOps,
            DefaultIsStmt = defaultIsStmt,
            LineBase = lineBase,
            LineRange = lineRange,
            OpcodeBase = opcodeBase,
            StandardOpcodeLengths = standardLengths,
            IncludeDirectories = directories,
            FileNames = files,
            ProgramOffset = programOffset,
        };
    }

    // DWARF 5 directory and file tables: a format description (content type, form pairs) then entries.
    private static void ReadEntryTable(SectionView section, ref DwarfCursor cursor, LineStringSources strings, int offsetSize,
        List<string>? directories, List<LineFileEntry>? files, bool withPaths)
    {
        int formatStart = cursor.Position;
        byte formatCount = cursor.ReadU8();
        var format = new (DwLnct Content, DwForm Form)[formatCount];
        for (int i = 0; i < formatCount; i++)
        {
            ulong content = cursor.ReadUleb();
            ulong form = cursor.ReadUleb();
            if (form > ushort.MaxValue || !FormSizes.IsKnown((DwForm)form))
                throw cursor.ErrorAt(formatStart, $"line table entry format uses unknown form 0x{form:x}");
            format[i] = ((DwLnct)Math.Min(content, ushort.MaxValue), (DwForm)form);
        }
        int countStart = cursor.Position;
        ulong count = cursor.ReadUleb();
        if (count > 0 && formatCount == 0)
            throw cursor.ErrorAt(formatStart, "line table entries have an empty format");
        // Each entry takes at least one byte, which bounds the count by what is left.
        if (count > (ulong)cursor.Remaining)
            throw cursor.ErrorAt(countStart, $"line table entry count {count} exceeds the remaining bytes");
        var encoding = new UnitEncoding(8, (byte)offsetSize, 5);
        for (ulong n = 0; n < count; n++)
        {
            string name = "";
            ulong directoryIndex = 0, time = 0, size = 0;
            byte[]? md5 = null;
            foreach (var (content, form) in format)
            {
                var value = AttributeDecoder.Read(ref cursor, new AttributeSpec(DwAt.Name, form, 0, -1), encoding);
                switch (content)
                {
                    case DwLnct.Path:
                        var path = ResolvePath(section, in value, strings, ref cursor);
                        if (withPaths)
                            name = Encoding.UTF8.GetString(path);
                        break;
                    case DwLnct.DirectoryIndex:
                        directoryIndex = value.Value;
                        break;
                    case DwLnct.Timestamp:
                        time = value.IsBlock ? 0 : value.Value;
                        break;
                    case DwLnct.Size:
                        size = value.Value;
                        break;
                    case DwLnct.Md5:
                        if (value.Form != DwForm.Data16)
                            throw cursor.ErrorAt(value.ValueOffset, $"MD5 entry uses {DwarfNames.Name(value.Form)}, expected DW_FORM_data16");
                        md5 = withPaths ? section.Span.Slice(value.BlockOffset, 16).ToArray() : null;
                        break;
                }
            }
            if (directories is not null)
                directories.Add(name);
            else
                files!.Add(new LineFileEntry(name, directoryIndex, time, size, md5));
        }
    }

    private static ReadOnlySpan<byte> ResolvePath(SectionView section, in AttributeValue value, LineStringSources strings, ref DwarfCursor cursor)
    {
        switch (value.Kind)
        {
            case AttributeValueKind.InlineString:
                return section.Span.Slice(value.BlockOffset, value.BlockLength);
            case AttributeValueKind.LineStringOffset:
                return StringSection.ReadBytes(strings.LineStr, value.Value);
            case AttributeValueKind.StringOffset:
                return StringSection.ReadBytes(strings.Str, value.Value);
            case AttributeValueKind.StringIndex:
                if (strings.StrOffsets is not { } table)
                    throw cursor.ErrorAt(value.ValueOffset, "strx form in a line table without a string offsets table");
                return StringSection.ReadBytes(strings.Str, table.Read(value.Value));
            default:
                throw cursor.ErrorAt(value.ValueOffset, $"path uses non-string form {DwarfNames.Name(value.Form)}");
        }
    }

    /// <summary>Runs the line-number program and returns its rows.</summary>
    public static LineRow[] RunProgram(SectionView section, LineProgramHeader header, int defaultAddressSize)
    {
        var rows = new List<LineRow>(Math.Max(4, ((int)header.End - (int)header.ProgramOffset) / 2));
        RunProgram(section, header, defaultAddressSize, rows);
        return rows.ToArray();
    }

    /// <summary>Runs the line-number program, appending its rows to <paramref name="rows"/> (a caller's reused list).</summary>
    public static void RunProgram(SectionView section, LineProgramHeader header, int defaultAddressSize, List<LineRow> rows)
    {
        var cursor = section.CursorAt(header.ProgramOffset);
        int end = (int)header.End;
        byte opcodeBase = header.OpcodeBase;
        uint maxOps = header.MaximumOperationsPerInstruction == 0 ? 1u : header.MaximumOperationsPerInstruction;
        ulong minInst = header.MinimumInstructionLength;
        var state = new State(header.DefaultIsStmt);

        while (cursor.Position < end)
        {
            int opStart = cursor.Position;
            byte opcode = cursor.ReadU8();
            if (opcode >= opcodeBase)
            {
                // Special opcode: advance address and line, then append a row.
                if (header.LineRange == 0)
                    throw cursor.ErrorAt(opStart, "special opcode used with line_range 0");
                int adjusted = opcode - opcodeBase;
                state.Advance((ulong)(adjusted / header.LineRange), minInst, maxOps);
                state.Line = (uint)(state.Line + header.LineBase + adjusted % header.LineRange);
                rows.Add(state.TakeRow(in cursor, opStart));
                state.AfterRow();
                continue;
            }
            switch (opcode)
            {
                case 0:
                {
                    ulong length = cursor.ReadUleb();
                    if (length > (ulong)(end - cursor.Position))
                        throw cursor.ErrorAt(opStart, $"extended opcode length 0x{length:x} runs past the end of the line table");
                    int next = cursor.Position + (int)length;
                    if (length == 0)
                        break;
                    byte sub = cursor.ReadU8();
                    switch ((DwLne)sub)
                    {
                        case DwLne.EndSequence:
                            state.Flags |= LineRowFlags.EndSequence;
                            rows.Add(state.TakeRow(in cursor, opStart));
                            state = new State(header.DefaultIsStmt);
                            break;
                        case DwLne.SetAddress:
                        {
                            int size = (int)length - 1;
                            state.Address = size is 1 or 2 or 4 or 8 ? cursor.ReadUnsigned(size) : cursor.ReadAddress(ValidSize(defaultAddressSize));
                            state.OpIndex = 0;
                            break;
                        }
                        case DwLne.SetDiscriminator:
                            state.Discriminator = (uint)cursor.ReadUleb();
                            break;
                        default:
                            // DW_LNE_define_file and vendor opcodes: their length lets us step over them.
                            break;
                    }
                    if (cursor.Position > next)
                        throw cursor.ErrorAt(opStart, "extended opcode is longer than its length");
                    cursor.Position = next;
                    break;
                }
                case (byte)DwLns.Copy:
                    rows.Add(state.TakeRow(in cursor, opStart));
                    state.AfterRow();
                    break;
                case (byte)DwLns.AdvancePc:
                    state.Advance(cursor.ReadUleb(), minInst, maxOps);
                    break;
                case (byte)DwLns.AdvanceLine:
                    state.Line = (uint)(state.Line + cursor.ReadSleb());
                    break;
                case (byte)DwLns.SetFile:
                    state.File = (uint)cursor.ReadUleb();
                    break;
                case (byte)DwLns.SetColumn:
                    state.Column = (uint)cursor.ReadUleb();
                    break;
                case (byte)DwLns.NegateStmt:
                    state.Flags ^= LineRowFlags.IsStmt;
                    break;
                case (byte)DwLns.SetBasicBlock:
                    state.Flags |= LineRowFlags.BasicBlock;
                    break;
                case (byte)DwLns.ConstAddPc:
                    if (header.LineRange == 0)
                        throw cursor.ErrorAt(opStart, "DW_LNS_const_add_pc used with line_range 0");
                    state.Advance((ulong)((255 - opcodeBase) / header.LineRange), minInst, maxOps);
                    break;
                case (byte)DwLns.FixedAdvancePc:
                    state.Address += cursor.ReadU16();
                    state.OpIndex = 0;
                    break;
                case (byte)DwLns.SetPrologueEnd:
                    state.Flags |= LineRowFlags.PrologueEnd;
                    break;
                case (byte)DwLns.SetEpilogueBegin:
                    state.Flags |= LineRowFlags.EpilogueBegin;
                    break;
                case (byte)DwLns.SetIsa:
                    state.Isa = (uint)cursor.ReadUleb();
                    break;
                default:
                {
                    // An opcode this reader does not know: the header says how many ULEB operands it has.
                    int operands = opcode - 1 < header.StandardOpcodeLengths.Length ? header.StandardOpcodeLengths[opcode - 1] : 0;
                    for (int i = 0; i < operands; i++)
                        cursor.ReadUleb();
                    break;
                }
            }
            if (cursor.Position > end)
                throw cursor.ErrorAt(opStart, "line program opcode runs past the end of the line table");
        }
    }

    private static int ValidSize(int size) => size is 1 or 2 or 4 or 8 ? size : 8;

    private struct State(bool defaultIsStmt)
    {
        public ulong Address;
        public uint OpIndex;
        public uint File = 1;
        public uint Line = 1;
        public uint Column;
        public uint Discriminator;
        public uint Isa;
        public LineRowFlags Flags = defaultIsStmt ? LineRowFlags.IsStmt : LineRowFlags.None;

        private ulong _previousRowAddress;
        private bool _hasRow;

        /// <summary>The row the registers hold. Within a sequence addresses may only increase (DWARF 5 §6.2.2): the update re-encodes rows as forward advances.</summary>
        public LineRow TakeRow(in DwarfCursor cursor, int opStart)
        {
            if (_hasRow && Address < _previousRowAddress)
                throw cursor.ErrorAt(opStart, $"row address 0x{Address:x} is below the previous row's 0x{_previousRowAddress:x} in the same sequence");
            _hasRow = true;
            _previousRowAddress = Address;
            return new(Address, OpIndex, File, Line, Column, Discriminator, Isa, Flags);
        }

        public void AfterRow()
        {
            Discriminator = 0;
            Flags &= ~(LineRowFlags.BasicBlock | LineRowFlags.PrologueEnd | LineRowFlags.EpilogueBegin);
        }

        public void Advance(ulong operationAdvance, ulong minInst, uint maxOps)
        {
            if (maxOps == 1)
            {
                Address += minInst * operationAdvance;
                return;
            }
            ulong total = OpIndex + operationAdvance;
            Address += minInst * (total / maxOps);
            OpIndex = (uint)(total % maxOps);
        }
    }
}
