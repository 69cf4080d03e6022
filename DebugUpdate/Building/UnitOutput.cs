using Rewriter.DebugUpdate.Contract;

namespace Rewriter.DebugUpdate.Building;

/// <summary>The output sections a unit contributes to.</summary>
public enum OutputSection : byte
{
    Info,
    Types,
    Abbrev,
    Line,
    Ranges,
    Rnglists,
    Loc,
    Loclists,
    Addr,
}

/// <summary>
/// A field at <see cref="Position"/> of the unit's <see cref="In"/> contribution that must hold the
/// final offset of unit <see cref="TargetUnit"/>'s contribution to <see cref="Target"/>, plus
/// <see cref="Addend"/>. Applied at merge time, when every contribution's place is known.
/// </summary>
public readonly record struct SectionFixup
{
    // PERF: 16 bytes, not 32: a gcc unit has one per location list (1.4 million on gdb), each held until its unit is merged.
    private readonly uint _addend;
    private readonly byte _size;

    public SectionFixup(OutputSection @in, int position, int size, OutputSection target, int targetUnit, ulong addend)
    {
        // Fields are 1 to 8 bytes, and an addend is an offset inside one unit's contribution, which a ByteWriter (int positions) holds.
        if (size is < 1 or > 8)
            throw new ArgumentOutOfRangeException(nameof(size), size, "a fixup's field is 1 to 8 bytes");
        if (addend > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(addend), addend, "a fixup's addend lies inside one unit's contribution");
        In = @in;
        Position = position;
        _size = (byte)size;
        Target = target;
        TargetUnit = targetUnit;
        _addend = (uint)addend;
    }

    public OutputSection In { get; }
    public int Position { get; }
    public int Size => _size;
    public OutputSection Target { get; }
    public int TargetUnit { get; }
    public ulong Addend => _addend;
}

/// <summary>
/// Everything one rebuilt unit contributes, with offsets local to its own contributions. Produced by
/// one thread, read by the merge; never changed after it is built.
/// </summary>
public sealed class UnitOutput
{
    public required int UnitIndex { get; init; }
    /// <summary>The unit's bytes, header included (in .debug_info, or .debug_types for DWARF 4 type units).</summary>
    public required ByteWriter Info { get; init; }
    public required bool InTypesSection { get; init; }
    public required ReadOnlyMemory<byte> Abbrev { get; init; }
    /// <summary>The line table this unit owns (the first unit naming it), or null.</summary>
    public ByteWriter? Line { get; init; }
    public ByteWriter? Ranges { get; init; }
    public ByteWriter? Rnglists { get; init; }
    public ByteWriter? Loc { get; init; }
    public ByteWriter? Loclists { get; init; }
    public ByteWriter? Addr { get; init; }
    /// <summary>The unit's new code ranges, for .debug_aranges (compile units only).</summary>
    public required List<Reading.AddressRange> CodeRanges { get; init; }
    /// <summary>Unit-relative offset of each input DIE in the output unit (for the indexes built beside the unit; the merge keeps <see cref="DieOffsetMap"/> instead).</summary>
    public required uint[] DieOffsets { get; init; }
    /// <summary>The same offsets by input offset, compact: what the merge keeps for references from other units.</summary>
    public required DieOffsetMap DieOffsetMap { get; init; }
    /// <summary>
    /// Input DIEs (in order) that described code and whose output describes none: the layout
    /// deleted all of it. The name indexes must not list them as having code.
    /// </summary>
    public IReadOnlyList<int> CodeLostDies { get; init; } = [];
    public required List<SectionFixup> Fixups { get; init; }
    /// <summary>References to DIEs of other units (or to this one's by section offset), by buffer.</summary>
    public required List<(OutputSection In, DieReference Reference)> InfoReferences { get; init; }
    public bool IsCompileUnit { get; init; }
    /// <summary>Strings this unit adds to .debug_str (a skeleton's new dwo_name), each at a DW_FORM_strp field of <see cref="Info"/>.</summary>
    public List<(int Position, string Value)> AddedStrings { get; init; } = [];

    /// <summary>How much of the unit was copied as it was rather than rebuilt.</summary>
    public UnitWork Work { get; init; }

    public ByteWriter? Buffer(OutputSection section) => section switch
    {
        OutputSection.Info or OutputSection.Types => Info,
        OutputSection.Line => Line,
        OutputSection.Ranges => Ranges,
        OutputSection.Rnglists => Rnglists,
        OutputSection.Loc => Loc,
        OutputSection.Loclists => Loclists,
        OutputSection.Addr => Addr,
        _ => null,
    };
}
