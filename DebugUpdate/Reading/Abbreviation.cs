namespace Rewriter.DebugUpdate.Reading;

/// <summary>One abbreviation declaration, with its size precomputed when every form is fixed-size.</summary>
public sealed class Abbreviation
{
    public Abbreviation(ulong code, DwTag tag, bool hasChildren, AttributeSpec[] attributes)
    {
        Code = code;
        Tag = tag;
        HasChildren = hasChildren;
        Attributes = attributes;
        int total = 0;
        foreach (var spec in attributes)
        {
            // Alternate-file forms must reach the per-form path, which reports them as unsupported.
            if (spec.FixedSize < 0 || spec.Form is DwForm.GnuRefAlt or DwForm.GnuStrpAlt)
            {
                total = -1;
                break;
            }
            total += spec.FixedSize;
        }
        FixedSize = total;
        foreach (var spec in attributes)
            if (spec.Form == DwForm.RefAddr)
                HasRefAddr = true;
    }

    public ulong Code { get; }
    public DwTag Tag { get; }
    public bool HasChildren { get; }
    public AttributeSpec[] Attributes { get; }

    /// <summary>Total attribute bytes of a DIE using this abbreviation, or -1 when any form is variable.</summary>
    // PERF: lets the DIE indexer skip most DIEs with one addition instead of a loop over forms.
    public int FixedSize { get; }

    /// <summary>True when some attribute uses DW_FORM_ref_addr (a cross-unit reference).</summary>
    public bool HasRefAddr { get; }

    public int IndexOf(DwAt name)
    {
        var attributes = Attributes;
        for (int i = 0; i < attributes.Length; i++)
            if (attributes[i].Name == name)
                return i;
        return -1;
    }
}
