using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Rewriter.Common;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Frames;
using Rewriter.DebugUpdate.Verification;
using Rewriter.CallFrames;

namespace Rewriter.DebugUpdate.Tests.Verification;

/// <summary>The mistakes a wrong debug update makes, one class each.</summary>
public enum Corruption
{
    MovedScope,
    ShiftedLocationListPiece,
    WrongAddressInExpression,
    WrongAddressInLocationList,
    BaseTypeNamingAnotherType,
    ChangedDeclLine,
    DroppedAttribute,
    ReferenceToAnotherDie,
    MissingNameIndexEntry,
    ArangesHole,
    ChangedCfaOffset,
    ShiftedFde,
    DroppedDebugFrame,
    // Re-encodings that keep the meaning: verify-debug must stay quiet.
    ReorderedAbbreviation,
    UnitReferenceAsInfoReference,
    FactoredCfaOffset,
}

/// <summary>
/// Applies one <see cref="Corruption"/> to copies of a compiled program's debug sections (the
/// program itself is untouched), finding its target with the reader: the first DIE, list entry,
/// operation or index entry the class applies to, in split units first when the program has them.
/// Patches keep every size, so nothing else moves.
/// </summary>
internal sealed class DebugInfoCorruptor
{
    private readonly CompiledProgram _program;
    private readonly DwarfFile _file;
    private readonly DebugSections _main;
    private readonly List<DebugSections> _splits;
    private readonly Dictionary<(DebugSections, string), byte[]> _patched = [];

    public DebugInfoCorruptor(CompiledProgram program)
    {
        _program = program;
        _file = program.Open();
        _main = program.Sections.Clone();
        _splits = program.SplitFiles.Select(s => s.Clone()).ToList();
    }

    /// <summary>The corrupted copy.</summary>
    public DebugInput Result => new(_main, _splits);

    /// <summary>Applies <paramref name="corruption"/>; returns where verify-debug must report it (a DIE path or a section), or null when the program has no target for it.</summary>
    public (DifferenceKind Kind, string Where)? Apply(Corruption corruption) => corruption switch
    {
        Corruption.MovedScope => MoveScope(),
        Corruption.ShiftedLocationListPiece => ShiftLocationListPiece(),
        Corruption.WrongAddressInExpression => WrongAddressInExpression(),
        Corruption.WrongAddressInLocationList => WrongAddressInLocationList(),
        Corruption.BaseTypeNamingAnotherType => RetypeBaseTypeOperand(),
        Corruption.ChangedDeclLine => ChangeDeclLine(),
        Corruption.DroppedAttribute => DropAttribute(),
        Corruption.ReferenceToAnotherDie => RedirectReference(),
        Corruption.MissingNameIndexEntry => DropNameIndexEntry(),
        Corruption.ArangesHole => PunchArangesHole(),
        Corruption.ReorderedAbbreviation => ReorderAbbreviation(),
        Corruption.UnitReferenceAsInfoReference => ReencodeUnitReference(),
        Corruption.ChangedCfaOffset => ChangeCfaOffset(),
        Corruption.ShiftedFde => ShiftFde(),
        Corruption.DroppedDebugFrame => DropDebugFrame(),
        Corruption.FactoredCfaOffset => FactorCfaOffset(),
        _ => throw new ArgumentOutOfRangeException(nameof(corruption)),
    };

    // ---- finding targets ------------------------------------------------------------------

    /// <summary>Split units first (when there are any), then the main file's.</summary>
    private IEnumerable<DwarfUnit> Units() => _file.SplitFiles.SelectMany(f => f.Units).Concat(_file.Units.Where(u => u.Header.UnitType != DwUnitType.Skeleton));

    private IEnumerable<(DwarfUnit Unit, int Die, AttributeValue Value)> Attributes(DwAt name)
    {
        foreach (var unit in Units())
            for (int die = 0; die < unit.Dies.Count; die++)
                if (unit.TryGetAttribute(die, name, out var value))
                    yield return (unit, die, value);
    }

    private static string PathOf(DwarfUnit unit, int die) => DiePaths.Of(unit, die);

    // ---- patching -------------------------------------------------------------------------

    /// <summary>The copy that owns a section a unit reads: .dwo sections are the unit's own file, others the main program's.</summary>
    private DebugSections Owner(DwarfUnit unit, string section)
    {
        if (!section.EndsWith(DebugSectionNames.DwoSuffix, StringComparison.Ordinal) && section != DebugSectionNames.CuIndex)
            return _main;
        int index = _program.SplitFiles.IndexOf(unit.File.Sections);
        return index >= 0 ? _splits[index] : _main;
    }

    private byte[] Bytes(DebugSections owner, string section)
    {
        if (!_patched.TryGetValue((owner, section), out var bytes))
        {
            _patched[(owner, section)] = bytes = owner.Get(section).ToArray();
            owner.Set(section, bytes);
        }
        return bytes;
    }

    private byte[] Bytes(DwarfUnit unit, string section) => Bytes(Owner(unit, section), section);

    /// <summary>Where a slice of a section's memory starts inside it.</summary>
    private static int OffsetIn(ReadOnlyMemory<byte> slice, SectionView section)
    {
        MemoryMarshal.TryGetArray(slice, out var inner).ShouldBeTrue();
        MemoryMarshal.TryGetArray(section.Bytes, out var outer).ShouldBeTrue();
        return inner.Offset - outer.Offset + (int)section.BaseOffset;
    }

    private void AddToAddressSlot(DwarfUnit unit, ulong index, ulong delta)
    {
        var table = unit.AddressTable;
        var bytes = Bytes(unit, table.Section.Name);
        int at = (int)(table.Section.BaseOffset + (long)table.Base + (long)index * table.AddressSize);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at)) + delta);
    }

    private static bool IsSingleByteUleb(byte b) => b < 0x80;

    // ---- the classes ----------------------------------------------------------------------

    private (DifferenceKind, string)? MoveScope()
    {
        foreach (var tag in (DwTag[])[DwTag.LexicalBlock, DwTag.InlinedSubroutine, DwTag.Subprogram])
        {
            foreach (var (unit, die, low) in Attributes(DwAt.LowPc))
            {
                if (unit.TagOf(die) != tag || !unit.TryGetAttribute(die, DwAt.HighPc, out var high) || high.Kind != AttributeValueKind.Constant)
                    continue;
                if (low.Kind == AttributeValueKind.Address)
                {
                    var info = Bytes(unit, unit.Info.Name);
                    BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(low.ValueOffset), low.Value + 0x10);
                }
                else
                    AddToAddressSlot(unit, low.Value, 0x10);
                return (DifferenceKind.Ranges, PathOf(unit, die));
            }
        }
        return null;
    }

    private (DifferenceKind, string)? ShiftLocationListPiece()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.Location))
        {
            if (!unit.IsLocationList(in value))
                continue;
            if (ShiftFirstPiece(unit, value))
                return (DifferenceKind.LocationList, PathOf(unit, die));
        }
        return null;
    }

    /// <summary>Moves the start of the list's first bounded entry one byte later (or its end one byte earlier).</summary>
    private bool ShiftFirstPiece(DwarfUnit unit, AttributeValue value)
    {
        bool v5 = unit.Header.Version >= 5;
        var section = v5 ? unit.Sections.Loclists : unit.Sections.Loc;
        ulong offset = value.Value;
        if (value.Kind == AttributeValueKind.LocationListIndex)
            offset = ListTableHeader.ResolveIndex(section, unit.LoclistsBase ?? (ulong)ListTableHeader.HeaderSize(unit.Header.OffsetSize), value.Value, unit.Header.OffsetSize);
        var bytes = Bytes(unit, section.Name);
        int p = (int)(section.BaseOffset + (long)offset);
        var cursor = section.CursorAt((long)offset);
        if (!v5 && !unit.IsSplit)
        {
            ulong start = cursor.ReadU64(), end = cursor.ReadU64();
            if (start == ulong.MaxValue || start + 1 >= end)
                return false;
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(p), start + 1);
            return true;
        }
        if (!v5)
        {
            // GNU split .debug_loc.dwo: kind, then operands.
            byte kind = cursor.ReadU8();
            if (kind == 3) { cursor.ReadUleb(); int at = cursor.Position; uint length = cursor.ReadU32(); if (length < 2) return false; BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)section.BaseOffset + at), length - 1); return true; }
            if (kind == 4) { int at = cursor.Position; uint start = cursor.ReadU32(), end = cursor.ReadU32(); if (start + 1 >= end) return false; BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)section.BaseOffset + at), start + 1); return true; }
            return false;
        }
        while (true)
        {
            int at = cursor.Position;
            switch ((DwLle)cursor.ReadU8())
            {
                case DwLle.BaseAddressx: cursor.ReadUleb(); continue;
                case DwLle.BaseAddress: cursor.ReadU64(); continue;
                case DwLle.GnuViewPair: cursor.ReadUleb(); cursor.ReadUleb(); continue;
                case DwLle.OffsetPair:
                {
                    int startAt = cursor.Position;
                    ulong start = cursor.ReadUleb(), end = cursor.ReadUleb();
                    byte first = bytes[(int)section.BaseOffset + startAt];
                    if (!IsSingleByteUleb(first) || first == 0x7f || start + 1 >= end)
                        return false;
                    bytes[(int)section.BaseOffset + startAt]++;
                    return true;
                }
                case DwLle.StartxLength or DwLle.StartLength:
                {
                    if ((DwLle)bytes[(int)section.BaseOffset + at] == DwLle.StartxLength) cursor.ReadUleb(); else cursor.ReadU64();
                    int lengthAt = cursor.Position;
                    ulong length = cursor.ReadUleb();
                    byte first = bytes[(int)section.BaseOffset + lengthAt];
                    if (!IsSingleByteUleb(first) || length < 2)
                        return false;
                    bytes[(int)section.BaseOffset + lengthAt]--;
                    return true;
                }
                default:
                    return false;
            }
        }
    }

    private (DifferenceKind, string)? WrongAddressInExpression()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.Location))
        {
            if (value.Kind != AttributeValueKind.Expression || value.BlockLength == 0)
                continue;
            byte op = unit.Info.Span[value.BlockOffset];
            if (op == 0x03)
            {
                var info = Bytes(unit, unit.Info.Name);
                int at = value.BlockOffset + 1;
                BinaryPrimitives.WriteUInt64LittleEndian(info.AsSpan(at), BinaryPrimitives.ReadUInt64LittleEndian(info.AsSpan(at)) + 8);
            }
            else if (op is 0xa1 or 0xfb)
            {
                var reader = new ExpressionReader(unit.GetBlock(in value), unit.Encoding);
                AddToAddressSlot(unit, reader.Read().Operand1, 8);
            }
            else
                continue;
            return (DifferenceKind.Expression, PathOf(unit, die));
        }
        return null;
    }

    private (DifferenceKind, string)? WrongAddressInLocationList()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.Location))
        {
            if (!unit.IsLocationList(in value))
                continue;
            var section = unit.Header.Version >= 5 ? unit.Sections.Loclists : unit.Sections.Loc;
            foreach (var entry in unit.ReadLocationList(in value))
            {
                var reader = new ExpressionReader(entry.Expression.Span, unit.Encoding);
                while (!reader.AtEnd)
                {
                    var operation = reader.Read();
                    if (operation.Meaning == OperandMeaning.Address)
                    {
                        var bytes = Bytes(unit, section.Name);
                        int at = OffsetIn(entry.Expression, section) + operation.Position + 1;
                        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), operation.Operand1 + 8);
                        return (DifferenceKind.LocationList, PathOf(unit, die));
                    }
                    if (operation.Meaning == OperandMeaning.AddressIndex)
                    {
                        AddToAddressSlot(unit, operation.Operand1, 8);
                        return (DifferenceKind.LocationList, PathOf(unit, die));
                    }
                }
            }
        }
        return null;
    }

    private (DifferenceKind, string)? RetypeBaseTypeOperand()
    {
        foreach (var unit in Units())
        {
            var baseTypes = Enumerable.Range(0, unit.Dies.Count).Where(d => unit.TagOf(d) == DwTag.BaseType).Select(d => (ulong)unit.Dies[d].UnitOffset).ToList();
            for (int die = 0; die < unit.Dies.Count; die++)
            {
                foreach (var value in unit.Attributes(die))
                {
                    if (value.Kind == AttributeValueKind.Expression)
                    {
                        if (Retype(unit, unit.GetBlock(in value), value.BlockOffset, unit.Info.Name, baseTypes))
                            return (DifferenceKind.Expression, PathOf(unit, die));
                    }
                    else if (unit.IsLocationList(in value))
                    {
                        var section = unit.Header.Version >= 5 ? unit.Sections.Loclists : unit.Sections.Loc;
                        foreach (var entry in unit.ReadLocationList(in value))
                            if (Retype(unit, entry.Expression.Span, OffsetIn(entry.Expression, section), section.Name, baseTypes))
                                return (DifferenceKind.LocationList, PathOf(unit, die));
                    }
                }
            }
        }
        return null;
    }

    /// <summary>Points the first base-type operand of the expression at another base type whose offset encodes in as many bytes.</summary>
    private bool Retype(DwarfUnit unit, ReadOnlySpan<byte> expression, int expressionAt, string section, List<ulong> baseTypes)
    {
        var reader = new ExpressionReader(expression, unit.Encoding);
        while (!reader.AtEnd)
        {
            var operation = reader.Read();
            if (operation.Meaning != OperandMeaning.BaseType || operation.Operand1 == 0)
                continue;
            // The type operand follows the opcode, except after regval_type's register and deref_type's size.
            int operandAt = operation.Position + 1;
            byte canonical = operation.Opcode switch { 0xf5 => 0xa5, 0xf6 => 0xa6, _ => operation.Opcode };
            if (canonical == 0xa5)
                while (expression[operandAt++] >= 0x80) { }
            else if (canonical is 0xa6 or 0xa7)
                operandAt++;
            int length = Leb128.UnsignedSize(operation.Operand1);
            ulong? other = baseTypes.Cast<ulong?>().FirstOrDefault(t => t != operation.Operand1 && Leb128.UnsignedSize(t!.Value) == length);
            if (other is not { } replacement)
                return false;
            var bytes = Bytes(unit, section);
            Leb128.WriteUnsigned(bytes.AsSpan(expressionAt + operandAt, length), replacement, length);
            return true;
        }
        return false;
    }

    private (DifferenceKind, string)? ChangeDeclLine()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.DeclLine))
        {
            if (value.Form is not (DwForm.Data1 or DwForm.Data2) || value.Value >= 0xff)
                continue;
            Bytes(unit, unit.Info.Name)[value.ValueOffset]++;
            return (DifferenceKind.Attribute, PathOf(unit, die));
        }
        return null;
    }

    /// <summary>Renames DW_AT_decl_line to DW_AT_sibling (same form) in the abbreviation of the first DIE that has it: its DIEs lose it.</summary>
    private (DifferenceKind, string)? DropAttribute()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.DeclLine))
        {
            var abbrev = unit.IsSplit ? DebugSectionNames.Dwo(DebugSectionNames.Abbrev) : DebugSectionNames.Abbrev;
            if (FindAbbreviationAttribute(unit, die, DwAt.DeclLine) is not { } at)
                continue;
            Bytes(unit, abbrev)[at] = (byte)DwAt.Sibling;
            return (DifferenceKind.Attribute, PathOf(unit, die));
        }
        return null;
    }

    /// <summary>The position in .debug_abbrev of the one-byte name of <paramref name="name"/> in the declaration DIE <paramref name="die"/> uses.</summary>
    private int? FindAbbreviationAttribute(DwarfUnit unit, int die, DwAt name)
    {
        ulong code = unit.Dies.AbbreviationOf(die).Code;
        var section = new SectionView("abbrev", Owner(unit, unit.IsSplit ? DebugSectionNames.Dwo(DebugSectionNames.Abbrev) : DebugSectionNames.Abbrev)
            .Get(unit.IsSplit ? DebugSectionNames.Dwo(DebugSectionNames.Abbrev) : DebugSectionNames.Abbrev));
        var cursor = section.CursorAt((long)unit.Abbreviations.Offset);
        while (true)
        {
            ulong declared = cursor.ReadUleb();
            if (declared == 0)
                return null;
            cursor.ReadUleb();
            cursor.ReadU8();
            while (true)
            {
                int at = cursor.Position;
                ulong attribute = cursor.ReadUleb(), form = cursor.ReadUleb();
                if (attribute == 0 && form == 0)
                    break;
                if ((DwForm)form == DwForm.ImplicitConst)
                    cursor.ReadSleb();
                if (declared == code && attribute == (ulong)name && cursor.Data[at] < 0x80)
                    return at;
            }
        }
    }

    private (DifferenceKind, string)? RedirectReference()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.Type))
        {
            if (value.Form != DwForm.Ref4 || unit.TagOf(die) is not (DwTag.Variable or DwTag.FormalParameter))
                continue;
            int target = unit.Dies.FindByUnitOffset(value.Value);
            int other = Enumerable.Range(0, unit.Dies.Count).FirstOrDefault(d => d != target && unit.TagOf(d) == DwTag.BaseType, -1);
            if (other < 0)
                continue;
            BinaryPrimitives.WriteUInt32LittleEndian(Bytes(unit, unit.Info.Name).AsSpan(value.ValueOffset), unit.Dies[other].UnitOffset);
            return (DifferenceKind.Attribute, PathOf(unit, die));
        }
        return null;
    }

    private (DifferenceKind, string)? DropNameIndexEntry()
    {
        if (!_main.Contains(DebugSectionNames.Names))
            return null;
        var view = _program.Sections.View(DebugSectionNames.Names);
        foreach (var index in DebugNamesReader.ReadAll(view, _program.Sections.View(DebugSectionNames.Str)))
        {
            foreach (var name in index.Names)
            {
                if (name.Entries.Count == 0 || view.Span[(int)name.Entries[0].Offset] >= 0x80)
                    continue;
                Bytes(_main, DebugSectionNames.Names)[(int)name.Entries[0].Offset] = 0; // the list now ends before its first entry
                return (DifferenceKind.Names, DebugSectionNames.Names);
            }
        }
        return null;
    }

    private (DifferenceKind, string)? PunchArangesHole()
    {
        if (!_main.Contains(DebugSectionNames.Aranges))
            return null;
        var view = _program.Sections.View(DebugSectionNames.Aranges);
        var set = ArangesReader.ReadAll(view).First(s => s.Ranges.Count > 0 && s.Ranges[0].Length > 1);
        // The first tuple follows the 12-byte header, padded to a multiple of the tuple size (16).
        int tuple = (int)set.Offset + 16;
        var bytes = Bytes(_main, DebugSectionNames.Aranges);
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(tuple + 8));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(tuple + 8), length - 1);
        var unit = _file.FindUnitContaining((long)set.DebugInfoOffset)!;
        return (DifferenceKind.Aranges, $"{DebugSectionNames.Aranges} of {DiePaths.Segment(unit, 0)}");
    }

    /// <summary>Swaps the first two fixed-size attributes of the root DIE's abbreviation, in the declaration and in every DIE using it.</summary>
    private (DifferenceKind, string)? ReorderAbbreviation()
    {
        foreach (var unit in Units())
        {
            var abbreviation = unit.Dies.AbbreviationOf(1 < unit.Dies.Count ? 1 : 0);
            var specs = abbreviation.Attributes;
            int first = Array.FindIndex(specs, s => s.FixedSize > 0 && s.Form != DwForm.ImplicitConst);
            if (first < 0 || first + 1 >= specs.Length || specs[first + 1].FixedSize <= 0 || specs[first].Name == specs[first + 1].Name)
                continue;
            int die = 1 < unit.Dies.Count ? 1 : 0;
            if (FindAbbreviationAttribute(unit, die, specs[first].Name) is not { } at || FindAbbreviationAttribute(unit, die, specs[first + 1].Name) is not { } next)
                continue;
            var abbrev = Bytes(unit, unit.IsSplit ? DebugSectionNames.Dwo(DebugSectionNames.Abbrev) : DebugSectionNames.Abbrev);
            // Both pairs are (one-byte name, form): swap the two pairs if each is two bytes.
            if (next != at + 2 || abbrev[at + 1] >= 0x80 || abbrev[at + 3] >= 0x80)
                continue;
            (abbrev[at], abbrev[at + 1], abbrev[at + 2], abbrev[at + 3]) = (abbrev[at + 2], abbrev[at + 3], abbrev[at], abbrev[at + 1]);
            var info = Bytes(unit, unit.Info.Name);
            for (int d = 0; d < unit.Dies.Count; d++)
            {
                if (unit.Dies[d].AbbreviationIndex != unit.Dies[die].AbbreviationIndex)
                    continue;
                int a = -1, b = -1;
                foreach (var value in unit.Attributes(d))
                {
                    if (value.Name == specs[first].Name) a = value.ValueOffset;
                    if (value.Name == specs[first + 1].Name) b = value.ValueOffset;
                }
                int sizeA = specs[first].FixedSize, sizeB = specs[first + 1].FixedSize;
                var swapped = info.AsSpan(b, sizeB).ToArray().Concat(info.AsSpan(a, sizeA).ToArray()).ToArray();
                swapped.CopyTo(info, a);
            }
            return (DifferenceKind.Attribute, PathOf(unit, die));
        }
        return null;
    }

    /// <summary>Re-encodes a DW_FORM_ref4 attribute as DW_FORM_ref_addr (a .debug_info offset) in one abbreviation and its DIEs.</summary>
    private (DifferenceKind, string)? ReencodeUnitReference()
    {
        foreach (var (unit, die, value) in Attributes(DwAt.Type))
        {
            if (value.Form != DwForm.Ref4 || unit.Header.OffsetSize != 4 || unit.Header.IsTypeUnit)
                continue;
            if (FindAbbreviationAttribute(unit, die, DwAt.Type) is not { } at)
                continue;
            var abbrev = Bytes(unit, unit.IsSplit ? DebugSectionNames.Dwo(DebugSectionNames.Abbrev) : DebugSectionNames.Abbrev);
            abbrev[at + 1] = (byte)DwForm.RefAddr;
            var info = Bytes(unit, unit.Info.Name);
            int abbreviationIndex = unit.Dies[die].AbbreviationIndex;
            for (int d = 0; d < unit.Dies.Count; d++)
            {
                if (unit.Dies[d].AbbreviationIndex != abbreviationIndex)
                    continue;
                foreach (var attribute in unit.Attributes(d))
                    if (attribute.Name == DwAt.Type)
                        BinaryPrimitives.WriteUInt32LittleEndian(info.AsSpan(attribute.ValueOffset), (uint)(attribute.Value + (ulong)unit.Offset));
            }
            return (DifferenceKind.Attribute, PathOf(unit, die));
        }
        return null;
    }

    // ---- .debug_frame -----------------------------------------------------------------------

    private const string DebugFrame = DebugFrameRewriter.SectionName;
    private const byte DefCfaOffset = 0x0e, DefCfaOffsetSf = 0x13;

    /// <summary>The first FDE with a one-byte DW_CFA_def_cfa_offset that the data alignment factors (and where it is).</summary>
    private (Fde Fde, int Instruction)? FirstDefCfaOffset()
    {
        if (!_main.Contains(DebugFrame))
            return null;
        var section = _program.Sections.Get(DebugFrame);
        var frames = CallFrameReader.Read(section.Span, 0, DebugFrame, CallFrameSection.DebugFrame);
        foreach (var fde in frames.Fdes.Where(f => f.PcRange > 0))
        {
            var reader = new CfiInstructionReader(section.Span, fde.InstructionsOffset, fde.InstructionsLength, DebugFrame, CfiEncoding.Of(fde.Cie));
            int at = reader.Position;
            while (reader.TryRead(out var instruction))
            {
                if (section.Span[at] == DefCfaOffset && reader.Position - at == 2 && instruction.Offset % fde.Cie.DataAlignment == 0)
                    return (fde, at);
                at = reader.Position;
            }
        }
        return null;
    }

    private (DifferenceKind, string)? ChangeCfaOffset()
    {
        if (FirstDefCfaOffset() is not var (fde, at))
            return null;
        var bytes = Bytes(_main, DebugFrame);
        bytes[at + 1] ^= 0x08; // CFA = reg + (offset ± 8): still a one-byte ULEB
        return (DifferenceKind.CallFrame, CallFrameComparer.PathOf(fde));
    }

    private (DifferenceKind, string)? ShiftFde()
    {
        if (FirstDefCfaOffset() is not var (fde, _))
            return null;
        var bytes = Bytes(_main, DebugFrame);
        int initialLocation = fde.Offset + (fde.IsDwarf64 ? 20 : 8);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(initialLocation), fde.PcBegin + 1);
        return (DifferenceKind.CallFrame, CallFrameComparer.PathOf(fde));
    }

    private (DifferenceKind, string)? DropDebugFrame()
    {
        if (!_main.Contains(DebugFrame))
            return null;
        _main.Set(DebugFrame, ReadOnlyMemory<byte>.Empty);
        return (DifferenceKind.CallFrame, DebugFrame);
    }

    /// <summary>DW_CFA_def_cfa_offset N as DW_CFA_def_cfa_offset_sf N / data alignment: the same two bytes' worth, the same rule.</summary>
    private (DifferenceKind, string)? FactorCfaOffset()
    {
        if (FirstDefCfaOffset() is not var (fde, at))
            return null;
        var bytes = Bytes(_main, DebugFrame);
        long factored = bytes[at + 1] / fde.Cie.DataAlignment;
        if (factored is < -64 or > 63)
            return null;
        bytes[at] = DefCfaOffsetSf;
        bytes[at + 1] = (byte)(factored & 0x7f);
        return (DifferenceKind.CallFrame, CallFrameComparer.PathOf(fde));
    }
}
