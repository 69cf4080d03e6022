using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>How the unit rewriter may write a DIE of one input abbreviation.</summary>
public enum DieCopy : byte
{
    /// <summary>Nothing in it names code, lists, other sections or other DIEs: its bytes are copied as they are.</summary>
    Verbatim,
    /// <summary>Like <see cref="Verbatim"/>, except for DW_FORM_ref4 / DW_FORM_ref_addr references, patched in the copy.</summary>
    VerbatimWithReferences,
    /// <summary>Some attribute must be translated or re-encoded: the DIE is written again attribute by attribute.</summary>
    Rewrite,
}

/// <summary>
/// For each abbreviation of a unit's table, whether a DIE using it can be copied through. Most
/// DIEs (types, members, declarations, parameters without locations) describe no code; copying
/// their bytes is what keeps the update proportional to what moved rather than to the DWARF's size.
/// The rule must mirror <see cref="UnitRewriter"/>'s attribute-by-attribute path exactly: a DIE
/// is copied only when that path would write the same abbreviation shape and the same bytes.
/// </summary>
public sealed class DieCopyPlans
{
    private readonly DieCopy[] _plans;
    private readonly int[][] _referenceSpecs;

    public DieCopyPlans(AbbreviationTable table, int version)
    {
        _plans = new DieCopy[table.Count];
        _referenceSpecs = new int[table.Count][];
        var references = new List<int>();
        for (int a = 0; a < table.Count; a++)
        {
            references.Clear();
            var plan = DieCopy.Verbatim;
            var specs = table[a].Attributes;
            for (int s = 0; s < specs.Length && plan != DieCopy.Rewrite; s++)
            {
                switch (Classify(in specs[s], version))
                {
                    case AttributeCopy.Same: break;
                    case AttributeCopy.Reference:
                        references.Add(s);
                        plan = DieCopy.VerbatimWithReferences;
                        break;
                    default:
                        plan = DieCopy.Rewrite;
                        break;
                }
            }
            _plans[a] = plan;
            _referenceSpecs[a] = plan == DieCopy.VerbatimWithReferences ? references.ToArray() : [];
        }
    }

    public DieCopy this[int abbreviationIndex] => _plans[abbreviationIndex];

    /// <summary>The indexes, in the abbreviation's attribute list, of the references to patch.</summary>
    public int[] ReferenceSpecs(int abbreviationIndex) => _referenceSpecs[abbreviationIndex];

    private enum AttributeCopy : byte { Same, Reference, Rewrite }

    private static AttributeCopy Classify(in AttributeSpec spec, int version)
    {
        // Attributes the rewriter always handles itself, whatever their form.
        if (spec.Name is DwAt.LowPc or DwAt.HighPc or DwAt.Ranges or DwAt.EntryPc or DwAt.StartScope or DwAt.GnuLocviews
            or DwAt.StmtList or DwAt.AddrBase or DwAt.GnuAddrBase or DwAt.RnglistsBase or DwAt.LoclistsBase)
            return AttributeCopy.Rewrite;
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
            case DwForm.Block or DwForm.Block1 or DwForm.Block2 or DwForm.Block4 or DwForm.Data16: // data16 decodes as a block
                return UnitRewriter.IsExpressionAttribute(spec.Name) ? AttributeCopy.Rewrite : AttributeCopy.Same;
            case DwForm.SecOffset:
                // A location list, or an offset into a section the update does not change (macros, str_offsets).
                return DwarfUnit.IsLocationAttribute(spec.Name) ? AttributeCopy.Rewrite : AttributeCopy.Same;
            default:
                // Addresses, address/list indexes, expressions, other reference forms, indirect forms.
                return AttributeCopy.Rewrite;
        }
    }
}
