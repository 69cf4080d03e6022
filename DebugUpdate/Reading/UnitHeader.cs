namespace Rewriter.DebugUpdate.Reading;

/// <summary>A parsed unit header of .debug_info or .debug_types (DWARF 2–5, DWARF32/64).</summary>
public readonly record struct UnitHeader
{
    /// <summary>Section offset of the unit's initial length field.</summary>
    public long Offset { get; init; }

    /// <summary>Section offset just past the unit.</summary>
    public long End { get; init; }

    /// <summary>Size of the header: the first DIE is at <see cref="Offset"/> + HeaderSize.</summary>
    public int HeaderSize { get; init; }

    public UnitEncoding Encoding { get; init; }
    public DwUnitType UnitType { get; init; }
    public ulong AbbrevOffset { get; init; }

    /// <summary>dwo_id from a DWARF 5 skeleton/split header (the GNU v4 form is a root-DIE attribute).</summary>
    public ulong? DwoId { get; init; }

    public ulong TypeSignature { get; init; }

    /// <summary>Unit-relative offset of the type DIE of a type unit.</summary>
    public ulong TypeOffset { get; init; }

    public ushort Version => Encoding.Version;
    public byte AddressSize => Encoding.AddressSize;
    public byte OffsetSize => Encoding.OffsetSize;
    public long FirstDieOffset => Offset + HeaderSize;
    public long Size => End - Offset;
    public bool IsTypeUnit => UnitType is DwUnitType.Type or DwUnitType.SplitType;
}
