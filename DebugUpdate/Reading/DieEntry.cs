using System.Runtime.InteropServices;

namespace Rewriter.DebugUpdate.Reading;

/// <summary>
/// One DIE in a unit's compact index: 16 bytes, no references to heap objects. Structure is kept as
/// relative indexes so the array is position independent and cheap to build.
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly struct DieEntry
{
    public DieEntry(uint unitOffset, int parentDelta, ushort abbreviationIndex, DwTag tag)
    {
        UnitOffset = unitOffset;
        ParentDelta = parentDelta;
        SiblingDelta = 0;
        AbbreviationIndex = abbreviationIndex;
        Tag = tag;
    }

    private DieEntry(in DieEntry entry, int siblingDelta)
    {
        this = entry;
        SiblingDelta = siblingDelta;
    }

    /// <summary>Offset of the DIE from the start of its unit (the form DW_FORM_ref4 uses).</summary>
    public uint UnitOffset { get; }

    /// <summary>This index minus the parent's index; 0 for the unit's root.</summary>
    public int ParentDelta { get; }

    /// <summary>Next sibling's index minus this index; 0 when this is the last child.</summary>
    public int SiblingDelta { get; }

    /// <summary>Index of the abbreviation in the unit's <see cref="AbbreviationTable"/>.</summary>
    public ushort AbbreviationIndex { get; }

    public DwTag Tag { get; }

    internal DieEntry WithSibling(int siblingDelta) => new(this, siblingDelta);
}
