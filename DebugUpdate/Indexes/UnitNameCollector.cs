using System.Text;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// Decides which DIEs of a unit .debug_names lists and under which names, the way clang-22 indexes
/// and llvm-dwarfdump --verify checks (DWARF 5 §6.1.1.1): named subprograms, inlined subroutines
/// and labels that still have code in the output, variables at an address (or global constants),
/// named types, namespaces (an anonymous one as "(anonymous namespace)"); never declarations,
/// members, parameters, enumerators or units. Names come from the DIE, else from what it is an
/// instance of (DW_AT_abstract_origin) or completes (DW_AT_specification); subprograms, inlined
/// subroutines and variables are listed under their linkage name too. Runs inside the bucket work,
/// while the unit's DIE index (and those of the units it refers to) are alive; thread-safe.
/// </summary>
public sealed class UnitNameCollector
{
    public const string AnonymousNamespace = "(anonymous namespace)";
    private static readonly byte[] AnonymousNamespaceBytes = Encoding.ASCII.GetBytes(AnonymousNamespace);
    private static readonly uint AnonymousNamespaceHash = NameHash.Of(AnonymousNamespaceBytes);

    private readonly ulong? _anonymousNamespaceOffset;
    /// <summary>For a split program: the strings of its .debug_str, where the names of its split units' DIEs are found (clang puts them there).</summary>
    private readonly Dictionary<string, ulong>? _programStrings;

    /// <param name="strings">the program's .debug_str, searched once for "(anonymous namespace)" (clang puts it there)</param>
    /// <param name="splitUnits">names come from split units too: their strings, in .debug_str.dwo, are looked up in <paramref name="strings"/></param>
    public UnitNameCollector(ReadOnlySpan<byte> strings, bool splitUnits)
    {
        _anonymousNamespaceOffset = FindString(strings, AnonymousNamespaceBytes);
        if (!splitUnits)
            return;
        _programStrings = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (int at = 0; at < strings.Length;)
        {
            int length = strings[at..].IndexOf((byte)0);
            if (length < 0)
                break;
            _programStrings.TryAdd(Encoding.Latin1.GetString(strings.Slice(at, length)), (ulong)at);
            at += length + 1;
        }
    }

    /// <param name="listedUnder">the program unit whose entry lists the names: the unit itself, or a split unit's skeleton</param>
    /// <param name="foreignSignature">for a type unit of a split file: its signature (the index lists it as a foreign type unit)</param>
    public UnitNames Collect(DwarfUnit unit, UnitOutput output, int listedUnder, ulong? foreignSignature = null)
    {
        var dies = unit.Dies;
        var candidates = Candidates(unit.Abbreviations);
        var ordinals = new int[dies.Count];
        var indexed = new List<IndexedDie>();
        var names = new List<IndexedName>();
        var added = new List<byte[]>();
        var lost = output.CodeLostDies;
        int nextLost = 0;
        for (int die = 0; die < dies.Count; die++)
        {
            ordinals[die] = -1;
            while (nextLost < lost.Count && lost[nextLost] < die)
                nextLost++;
            // PERF: most DIEs are ruled out by their abbreviation alone, without decoding anything.
            if (!candidates[dies[die].AbbreviationIndex])
                continue;
            bool codeLost = nextLost < lost.Count && lost[nextLost] == die;
            int before = names.Count;
            AddNames(unit, die, codeLost, names, added, indexed.Count);
            if (names.Count == before)
                continue;
            ordinals[die] = indexed.Count;
            indexed.Add(new IndexedDie(output.DieOffsets[die], dies[die].Tag, ParentOf(unit, die, ordinals)));
        }
        return new UnitNames
        {
            UnitIndex = listedUnder,
            IsTypeUnit = unit.Header.IsTypeUnit,
            ForeignSignature = foreignSignature,
            Dies = [.. indexed],
            Names = [.. names],
            AddedStrings = [.. added],
        };
    }

    /// <summary>Per abbreviation: can a DIE of it be indexed at all (a tag that is, no declaration, something to name it)?</summary>
    private static bool[] Candidates(AbbreviationTable abbreviations)
    {
        var candidates = new bool[abbreviations.Count];
        for (int i = 0; i < candidates.Length; i++)
        {
            var abbreviation = abbreviations[i];
            candidates[i] = IsIndexedTag(abbreviation.Tag) && abbreviation.IndexOf(DwAt.Declaration) < 0
                && (abbreviation.Tag == DwTag.Namespace || abbreviation.IndexOf(DwAt.Name) >= 0 || abbreviation.IndexOf(DwAt.LinkageName) >= 0
                    || abbreviation.IndexOf(DwAt.MipsLinkageName) >= 0 || abbreviation.IndexOf(DwAt.AbstractOrigin) >= 0
                    || abbreviation.IndexOf(DwAt.Specification) >= 0);
        }
        return candidates;
    }

    private static bool IsIndexedTag(DwTag tag) => tag is not (DwTag.CompileUnit or DwTag.PartialUnit or DwTag.TypeUnit or DwTag.SkeletonUnit
        or DwTag.Module or DwTag.FormalParameter or DwTag.TemplateTypeParameter or DwTag.TemplateValueParameter
        or DwTag.GnuTemplateParameterPack or DwTag.GnuTemplateTemplateParam or DwTag.Member or DwTag.Enumerator
        or DwTag.ImportedDeclaration);

    private void AddNames(DwarfUnit unit, int die, bool codeLost, List<IndexedName> names, List<byte[]> added, int ordinal)
    {
        AttributeValue? name = null, linkage = null, location = null;
        bool hasCode = false, hasConstant = false;
        foreach (var attribute in unit.Attributes(die))
        {
            switch (attribute.Name)
            {
                case DwAt.Name: name = attribute; break;
                case DwAt.LinkageName or DwAt.MipsLinkageName: linkage ??= attribute; break;
                case DwAt.LowPc or DwAt.HighPc or DwAt.Ranges or DwAt.EntryPc: hasCode = true; break;
                case DwAt.Location: location = attribute; break;
                case DwAt.ConstValue: hasConstant = true; break;
            }
        }
        var tag = unit.TagOf(die);
        switch (tag)
        {
            case DwTag.Subprogram or DwTag.InlinedSubroutine or DwTag.Label:
                // Code the layout deleted is gone from the output DIE: then only an origin's code would count.
                if (!(hasCode && !codeLost) && FindRecursively(unit, die, IsCodeAttribute, 0) is null)
                    return;
                break;
            case DwTag.Variable:
                if (!(location is { } l ? HasAddress(unit, in l) : hasConstant && !InsideCode(unit, die)))
                    return;
                break;
        }

        var nameSource = name is { } own ? (unit, own) : FindRecursively(unit, die, static n => n == DwAt.Name, 0);
        // clang's base types for DW_OP_convert operands ("DW_ATE_unsigned_8"…) are no names of the program: it never indexes them.
        if (tag == DwTag.BaseType && nameSource is { } baseType && baseType.Unit.GetStringBytes(in baseType.Value).StartsWith("DW_ATE_"u8))
            return;
        if (nameSource is { } found)
            Add(found.Unit, found.Value, names, added, ordinal);
        else if (tag == DwTag.Namespace)
        {
            if (_anonymousNamespaceOffset is { } offset)
                names.Add(new IndexedName(offset, false, AnonymousNamespaceHash, ordinal));
            else
                AddString(AnonymousNamespaceBytes, names, added, ordinal);
        }
        if (tag is DwTag.Subprogram or DwTag.InlinedSubroutine or DwTag.Variable)
        {
            var linkageSource = linkage is { } ownLinkage ? (unit, ownLinkage)
                : FindRecursively(unit, die, static n => n is DwAt.LinkageName or DwAt.MipsLinkageName, 0);
            if (linkageSource is { } linked)
                Add(linked.Unit, linked.Value, names, added, ordinal);
        }
    }

    private static bool IsCodeAttribute(DwAt name) => name is DwAt.LowPc or DwAt.HighPc or DwAt.Ranges or DwAt.EntryPc;

    /// <summary>The first attribute <paramref name="wanted"/> accepts on the DIE, or on what it is an instance of or completes (LLVM's findRecursively).</summary>
    private static (DwarfUnit Unit, AttributeValue Value)? FindRecursively(DwarfUnit unit, int die, Func<DwAt, bool> wanted, int depth)
    {
        AttributeValue? origin = null, specification = null;
        foreach (var attribute in unit.Attributes(die))
        {
            if (depth > 0 && wanted(attribute.Name))
                return (unit, attribute);
            if (attribute.Name == DwAt.AbstractOrigin) origin = attribute;
            else if (attribute.Name == DwAt.Specification) specification = attribute;
        }
        if (depth >= 4)
            return null; // a chain this long is a cycle in bad input
        foreach (var reference in (ReadOnlySpan<AttributeValue?>)[origin, specification])
        {
            if (reference is not { } r)
                continue;
            var (targetUnit, target) = unit.ResolveReference(in r);
            if (FindRecursively(targetUnit, target, wanted, depth + 1) is { } found)
                return found;
        }
        return null;
    }

    private static int ParentOf(DwarfUnit unit, int die, int[] ordinals)
    {
        int parent = unit.Dies.Parent(die);
        if (parent < 0)
            return UnitNames.ParentNotIndexed;
        if (unit.Dies.AbbreviationOf(parent).IndexOf(DwAt.Declaration) >= 0)
            return UnitNames.ParentUnknown;
        return ordinals[parent] >= 0 ? ordinals[parent] : UnitNames.ParentNotIndexed;
    }

    /// <summary>A variable inside a function (a local whose value the compiler folded) is not a global name.</summary>
    private static bool InsideCode(DwarfUnit unit, int die)
    {
        for (int p = unit.Dies.Parent(die); p >= 0; p = unit.Dies.Parent(p))
            if (unit.TagOf(p) is DwTag.Subprogram or DwTag.InlinedSubroutine or DwTag.LexicalBlock)
                return true;
        return false;
    }

    /// <summary>True when the location (an expression, or any expression of a list) names an address: DW_OP_addr/addrx or a TLS address.</summary>
    private static bool HasAddress(DwarfUnit unit, in AttributeValue location)
    {
        if (unit.IsLocationList(in location))
        {
            foreach (var entry in unit.ReadLocationList(in location))
                if (entry.Kind != LocationListEntryKind.ViewPair && HasAddress(entry.Expression.Span, unit.Encoding))
                    return true;
            return false;
        }
        return location.IsBlock && HasAddress(unit.GetBlock(in location), unit.Encoding);
    }

    private static bool HasAddress(ReadOnlySpan<byte> expression, UnitEncoding encoding)
    {
        var reader = new ExpressionReader(expression, encoding);
        while (!reader.AtEnd)
        {
            var operation = reader.Read();
            if (operation.Meaning is OperandMeaning.Address or OperandMeaning.AddressIndex
                || operation.Opcode is 0x9b or 0xe0) // DW_OP_form_tls_address, DW_OP_GNU_push_tls_address
                return true;
        }
        return false;
    }

    private void Add(DwarfUnit unit, in AttributeValue value, List<IndexedName> names, List<byte[]> added, int ordinal)
    {
        // A split unit's strings are its .dwo file's: the index names the program's copy (or adds one).
        if (unit.IsSplit && value.Kind is AttributeValueKind.StringIndex or AttributeValueKind.StringOffset or AttributeValueKind.InlineString)
        {
            var bytes = unit.GetStringBytes(in value);
            if (_programStrings is not null && _programStrings.TryGetValue(Encoding.Latin1.GetString(bytes), out ulong offset))
                names.Add(new IndexedName(offset, false, NameHash.Of(bytes), ordinal));
            else
                AddString(bytes, names, added, ordinal);
            return;
        }
        switch (value.Kind)
        {
            case AttributeValueKind.StringOffset:
                names.Add(new IndexedName(value.Value, false, NameHash.Of(unit.GetStringBytes(in value)), ordinal));
                return;
            case AttributeValueKind.StringIndex:
                names.Add(new IndexedName(unit.StringOffsets.Read(value.Value), false, NameHash.Of(unit.GetStringBytes(in value)), ordinal));
                return;
            case AttributeValueKind.InlineString or AttributeValueKind.LineStringOffset:
                // Not in .debug_str (gcc writes short names inline): the merge adds it.
                AddString(unit.GetStringBytes(in value), names, added, ordinal);
                return;
            // A name in a supplementary file (dwz) cannot be pointed at from here: left out.
        }
    }

    private static void AddString(ReadOnlySpan<byte> bytes, List<IndexedName> names, List<byte[]> added, int ordinal)
    {
        names.Add(new IndexedName((ulong)added.Count, true, NameHash.Of(bytes), ordinal));
        added.Add(bytes.ToArray());
    }

    /// <summary>The offset of a whole NUL-terminated string in a string section, or null.</summary>
    private static ulong? FindString(ReadOnlySpan<byte> strings, ReadOnlySpan<byte> text)
    {
        Span<byte> terminated = stackalloc byte[text.Length + 1];
        text.CopyTo(terminated);
        for (int from = 0; from < strings.Length;)
        {
            int at = strings[from..].IndexOf(terminated);
            if (at < 0)
                return null;
            at += from;
            if (at == 0 || strings[at - 1] == 0)
                return (ulong)at;
            from = at + 1;
        }
        return null;
    }
}
