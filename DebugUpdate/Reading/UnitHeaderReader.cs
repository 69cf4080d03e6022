namespace Rewriter.DebugUpdate.Reading;

/// <summary>Reads unit headers of .debug_info / .debug_types (and their .dwo variants).</summary>
public static class UnitHeaderReader
{
    /// <summary>Reads the header of the unit starting at <paramref name="offset"/>.</summary>
    /// <param name="isTypesSection">.debug_types (DWARF 4) headers carry a signature and type offset.</param>
    /// <param name="isSplitSection">Units of a .dwo section are split units even before DWARF 5.</param>
    public static UnitHeader Read(SectionView section, long offset, bool isTypesSection, bool isSplitSection)
    {
        var cursor = section.CursorAt(offset);
        ulong length = cursor.ReadInitialLength(out int offsetSize);
        long contentStart = cursor.Position;
        if (length > (ulong)(section.Length - contentStart))
            throw section.Error(offset, $"unit length 0x{length:x} runs past the end of the section (size 0x{section.Length:x})");
        long end = contentStart + (long)length;

        ushort version = cursor.ReadU16();
        if (version is < 2 or > 5)
            throw section.Error(offset, $"unsupported DWARF version {version}");

        DwUnitType unitType;
        byte addressSize;
        ulong abbrevOffset;
        ulong? dwoId = null;
        ulong signature = 0, typeOffset = 0;
        if (version >= 5)
        {
            byte rawType = cursor.ReadU8();
            if (rawType is < 1 or > 6)
                throw section.Error(offset, $"unknown unit type 0x{rawType:x}");
            unitType = (DwUnitType)rawType;
            addressSize = cursor.ReadU8();
            abbrevOffset = cursor.ReadOffset(offsetSize);
            switch (unitType)
            {
                case DwUnitType.Skeleton:
                case DwUnitType.SplitCompile:
                    dwoId = cursor.ReadU64();
                    break;
                case DwUnitType.Type:
                case DwUnitType.SplitType:
                    signature = cursor.ReadU64();
                    typeOffset = cursor.ReadOffset(offsetSize);
                    break;
            }
        }
        else
        {
            abbrevOffset = cursor.ReadOffset(offsetSize);
            addressSize = cursor.ReadU8();
            if (isTypesSection)
            {
                signature = cursor.ReadU64();
                typeOffset = cursor.ReadOffset(offsetSize);
                unitType = isSplitSection ? DwUnitType.SplitType : DwUnitType.Type;
            }
            else
            {
                // Pre-5 units do not say what they are; skeleton vs compile is decided by the root
                // DIE (DW_AT_GNU_dwo_id) once it is read.
                unitType = isSplitSection ? DwUnitType.SplitCompile : DwUnitType.Compile;
            }
        }

        if (addressSize is not (1 or 2 or 4 or 8))
            throw section.Error(offset, $"unsupported address size {addressSize}");
        int headerSize = cursor.Position - (int)offset;
        if (offset + headerSize > end)
            throw section.Error(offset, $"unit length 0x{length:x} is shorter than its header");
        if ((unitType is DwUnitType.Type or DwUnitType.SplitType) && typeOffset != 0
            && (typeOffset < (ulong)headerSize || typeOffset >= (ulong)(end - offset)))
            throw section.Error(offset, $"type offset 0x{typeOffset:x} lies outside its unit");

        return new UnitHeader
        {
            Offset = offset,
            End = end,
            HeaderSize = headerSize,
            Encoding = new UnitEncoding(addressSize, (byte)offsetSize, version),
            UnitType = unitType,
            AbbrevOffset = abbrevOffset,
            DwoId = dwoId,
            TypeSignature = signature,
            TypeOffset = typeOffset,
        };
    }

    /// <summary>Reads every unit header of a section, in order.</summary>
    public static List<UnitHeader> ReadAll(SectionView section, bool isTypesSection, bool isSplitSection)
    {
        var headers = new List<UnitHeader>();
        long offset = 0;
        while (offset < section.Length)
        {
            var header = Read(section, offset, isTypesSection, isSplitSection);
            headers.Add(header);
            offset = header.End;
        }
        return headers;
    }
}
