using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>What the copy of a DIE must look at in one of its attributes.</summary>
public enum CopiedAttribute : byte
{
    /// <summary>A DW_FORM_ref4 / DW_FORM_ref_addr reference: patched in the copy to the DIE's new offset.</summary>
    Reference,
    /// <summary>A DWARF expression: the DIE is copied only when the expression names no address and no DIE.</summary>
    Expression,
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
        var special = new List<(int, CopiedAttribute)>();
        for (int a = 0; a < table.Count; a++)
        {
            special.Clear();
            bool copyable = true;
            var specs = table[a].Attributes;
            for (int s = 0; s < specs.Length && copyable; s++)
            {
                switch (Classify(in specs[s], version))
                {
                    case AttributeCopy.Same: break;
                    case AttributeCopy.Reference: special.Add((s, CopiedAttribute.Reference)); break;
                    case AttributeCopy.Expression: special.Add((s, CopiedAttribute.Expression)); break;
                    default: copyable = false; break;
                }
            }
            _plans[a] = copyable ? (special.Count == 0 ? Nothing : special.ToArray()) : null;
        }
    }

    /// <summary>
    /// The attributes a copy of a DIE of this abbreviation must look at, in attribute order; null
    /// when such a DIE is always written again attribute by attribute.
    /// </summary>
    public (int Spec, CopiedAttribute What)[]? this[int abbreviationIndex] => _plans[abbreviationIndex];

    private enum AttributeCopy : byte { Same, Reference, Expression, Rewrite }

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
