using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>What the copy of a DIE must look at in one of its attributes.</summary>
public enum CopiedAttribute : byte
{
    /// <summary>A DW_FORM_ref4 / DW_FORM_ref_addr reference: patched in the copy to the DIE's new offset.</summary>
    Reference,
    /// <summary>A DWARF expression: the DIE is copied only when the expression names no address and no DIE.</summary>
    Expression,
    /// <summary>A DW_FORM_addr or DW_FORM_addrx code address: the DIE is copied only when no moved code is at or just before it (and an index keeps its value).</summary>
    CodeAddress,
    /// <summary>A high_pc that is a length from low_pc: the DIE is copied only when no moved code is in that range.</summary>
    CodeLength,
    /// <summary>A location list (DW_FORM_sec_offset or DW_FORM_loclistx): copied as it was when it means the same in the output.</summary>
    LocationList,
    /// <summary>gcc's DW_AT_GNU_locviews after a DW_AT_location list: the view pairs copied with that list.</summary>
    LocationViews,
    /// <summary>A DW_AT_ranges list (DW_FORM_sec_offset or DW_FORM_rnglistx): copied as it was when it means the same in the output.</summary>
    RangeList,
}

/// <summary>
/// For each abbreviation of a unit's table, whether a DIE using it can be copied through, and which
/// of its attributes the copy must look at. Most DIEs (types, members, declarations, parameters
/// and call-site parameters in registers) describe no code; copying their bytes is what keeps the
/// update proportional to what moved rather than to the size of the DWARF. The rule mirrors
/// <see cref="UnitRewriter"/>'s attribute-by-attribute path exactly: a DIE is copied only when that
/// path would write the same abbreviation shape and bytes of the same meaning.
/// </summary>
public sealed class DieCopyPlans
{
    private static readonly (int Spec, CopiedAttribute What)[] Nothing = [];
    private readonly (int Spec, CopiedAttribute What)[]?[] _plans;
    private readonly (int Spec, CopiedAttribute What)[]?[] _whenCodeStayed;

    // PERF: a table's plans are made once (every type unit of a .dwo shares one table), for each DWARF version using it.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AbbreviationTable, DieCopyPlans?[]> Cache = [];

    /// <summary>The plans of a table, made on first use and shared (they are read-only).</summary>
    public static DieCopyPlans For(AbbreviationTable table, int version)
    {
        var byVersion = Cache.GetValue(table, static _ => new DieCopyPlans?[8]);
        int slot = Math.Clamp(version, 0, byVersion.Length - 1);
        var plans = Volatile.Read(ref byVersion[slot]);
        if (plans is null || plans._version != version)
        {
            plans = new DieCopyPlans(table, version);
            Volatile.Write(ref byVersion[slot], plans);
        }
        return plans;
    }

    private readonly int _version;

    public DieCopyPlans(AbbreviationTable table, int version)
    {
        _version = version;
        _plans = new (int, CopiedAttribute)[]?[table.Count];
        _whenCodeStayed = new (int, CopiedAttribute)[]?[table.Count];
        var special = new List<(int, CopiedAttribute)>();
        for (int a = 0; a < table.Count; a++)
        {
            var specs = table[a].Attributes;
            _plans[a] = Plan(specs, version, special, whenCodeStayed: false);
            _whenCodeStayed[a] = _plans[a] is null ? Plan(specs, version, special, whenCodeStayed: true) : null;
        }
    }

    private static (int, CopiedAttribute)[]? Plan(AttributeSpec[] specs, int version, List<(int, CopiedAttribute)> special, bool whenCodeStayed)
    {
        special.Clear();
        bool lowPc = false, locationList = false, rangeList = false;
        for (int s = 0; s < specs.Length; s++)
        {
            var what = whenCodeStayed ? ClassifyWhenCodeStayed(in specs[s], version) : Classify(in specs[s], version);
            switch (what)
            {
                case AttributeCopy.Same: break;
                case AttributeCopy.Reference: special.Add((s, CopiedAttribute.Reference)); break;
                case AttributeCopy.Expression: special.Add((s, CopiedAttribute.Expression)); break;
                case AttributeCopy.CodeAddress:
                    lowPc |= specs[s].Name == DwAt.LowPc;
                    special.Add((s, CopiedAttribute.CodeAddress));
                    break;
                // A length needs its low_pc; the rewriter writes the views only after the location list they belong to.
                case AttributeCopy.CodeLength when lowPc: special.Add((s, CopiedAttribute.CodeLength)); break;
                case AttributeCopy.LocationList:
                    locationList |= specs[s].Name == DwAt.Location;
                    special.Add((s, CopiedAttribute.LocationList));
                    break;
                case AttributeCopy.LocationViews when locationList: special.Add((s, CopiedAttribute.LocationViews)); break;
                case AttributeCopy.RangeList:
                    rangeList = true;
                    special.Add((s, CopiedAttribute.RangeList));
                    break;
                default: return null;
            }
        }
        // A high_pc address needs its low_pc too: the pair is one range. Beside DW_AT_ranges the
        // rewriter drops a low_pc or high_pc.
        bool highPc = specs.Any(spec => spec.Name == DwAt.HighPc);
        if (whenCodeStayed && ((!lowPc && highPc) || (rangeList && (lowPc || highPc))))
            return null;
        return special.Count == 0 ? Nothing : special.ToArray();
    }

    /// <summary>
    /// As <see cref="Classify"/>, and besides: code addresses (by value or by index), low_pc/high_pc
    /// pairs, location and range lists (by offset or by index), which the rewriter writes again as
    /// they were when the code they name did not move.
    /// Not an entry_pc offset (written as an address).
    /// </summary>
    private static AttributeCopy ClassifyWhenCodeStayed(in AttributeSpec spec, int version)
    {
        if (spec.Form is DwForm.Addr or DwForm.Addrx or DwForm.Addrx1 or DwForm.Addrx2 or DwForm.Addrx3 or DwForm.Addrx4
            && spec.Name is not (DwAt.Ranges or DwAt.StartScope))
            return AttributeCopy.CodeAddress;
        if (spec.Name == DwAt.HighPc)
            return spec.Form is DwForm.Data1 or DwForm.Data2 or DwForm.Data4 or DwForm.Data8 or DwForm.Udata ? AttributeCopy.CodeLength : AttributeCopy.Rewrite;
        if (spec.Form == DwForm.Rnglistx && spec.Name == DwAt.Ranges)
            return AttributeCopy.RangeList;
        if (spec.Form == DwForm.Loclistx && DwarfUnit.IsLocationAttribute(spec.Name))
            return AttributeCopy.LocationList;
        if (spec.Form == DwForm.SecOffset && version >= 4)
        {
            if (spec.Name == DwAt.Ranges)
                return AttributeCopy.RangeList;
            if (spec.Name == DwAt.GnuLocviews)
                return AttributeCopy.LocationViews;
            if (DwarfUnit.IsLocationAttribute(spec.Name))
                return AttributeCopy.LocationList;
        }
        return Classify(in spec, version);
    }

    /// <summary>
    /// The attributes a copy of a DIE of this abbreviation must look at, in attribute order; null
    /// when such a DIE is always written again attribute by attribute.
    /// </summary>
    public (int Spec, CopiedAttribute What)[]? this[int abbreviationIndex] => _plans[abbreviationIndex];

    /// <summary>
    /// For an abbreviation without a plan: the attributes a copy must look at when the DIE's code
    /// did not move (code addresses, lengths, location lists); null when such a DIE is always
    /// written again.
    /// </summary>
    public (int Spec, CopiedAttribute What)[]? WhenCodeStayed(int abbreviationIndex) => _whenCodeStayed[abbreviationIndex];

    private enum AttributeCopy : byte { Same, Reference, Expression, CodeAddress, CodeLength, LocationList, LocationViews, RangeList, Rewrite }

    private static AttributeCopy Classify(in AttributeSpec spec, int version)
    {
        // Attributes the rewriter always handles itself, whatever their form.
        if (spec.Name is DwAt.LowPc or DwAt.HighPc or DwAt.Ranges or DwAt.EntryPc or DwAt.StartScope or DwAt.GnuLocviews
            or DwAt.StmtList or DwAt.AddrBase or DwAt.GnuAddrBase or DwAt.RnglistsBase or DwAt.LoclistsBase)
            return AttributeCopy.Rewrite;
        bool expressionName = DwarfUnit.IsExpressionAttribute(spec.Name);
        switch (spec.Form)
        {
            case DwForm.Ref4 or DwForm.RefAddr:
                return AttributeCopy.Reference;
            case DwForm.Data4 or DwForm.Data8:
                // Before DWARF 4 a location list is named by a data4/data8 offset.
                return version < 4 && DwarfUnit.IsLocationAttribute(spec.Name) ? AttributeCopy.Rewrite : AttributeCopy.Same;
            case DwForm.Data1 or DwForm.Data2 or DwForm.Udata or DwForm.Sdata or DwForm.ImplicitConst
                or DwForm.Flag or DwForm.FlagPresent
                or DwForm.String or DwForm.Strp or DwForm.LineStrp or DwForm.StrpSup
                or DwForm.Strx or DwForm.Strx1 or DwForm.Strx2 or DwForm.Strx3 or DwForm.Strx4 or DwForm.GnuStrIndex
                or DwForm.RefSig8 or DwForm.RefSup4 or DwForm.RefSup8:
                return AttributeCopy.Same;
            case DwForm.Exprloc:
                return AttributeCopy.Expression;
            case DwForm.Block or DwForm.Block1 or DwForm.Block2 or DwForm.Block4:
                return expressionName ? AttributeCopy.Expression : AttributeCopy.Same;
            case DwForm.Data16:
                // Decoded as a block: as an expression it would be written back as DW_FORM_block.
                return expressionName ? AttributeCopy.Rewrite : AttributeCopy.Same;
            case DwForm.SecOffset:
                // A location list, or an offset into a section the update does not change (macros, str_offsets).
                return DwarfUnit.IsLocationAttribute(spec.Name) ? AttributeCopy.Rewrite : AttributeCopy.Same;
            default:
                // Addresses, address/list indexes, other reference forms, indirect forms.
                return AttributeCopy.Rewrite;
        }
    }
}
