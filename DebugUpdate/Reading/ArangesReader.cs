namespace Rewriter.DebugUpdate.Reading;

/// <summary>One .debug_aranges set: the address ranges of the unit at <see cref="DebugInfoOffset"/>.</summary>
public sealed record ArangeSet(long Offset, ushort Version, ulong DebugInfoOffset, byte AddressSize, List<AddressRange> Ranges);

/// <summary>Reads .debug_aranges.</summary>
public static class ArangesReader
{
    public static List<ArangeSet> ReadAll(SectionView section)
    {
        var sets = new List<ArangeSet>();
        long offset = 0;
        while (offset < section.Length)
        {
            var cursor = section.CursorAt(offset);
            ulong length = cursor.ReadInitialLength(out int offsetSize);
            if (length > (ulong)cursor.Remaining)
                throw section.Error(offset, $"set length 0x{length:x} runs past the end of the section");
            long end = cursor.Position + (long)length;
            ushort version = cursor.ReadU16();
            if (version is not (2 or 3))
                throw section.Error(offset, $"unsupported .debug_aranges version {version}");
            ulong infoOffset = cursor.ReadOffset(offsetSize);
            byte addressSize = cursor.ReadU8();
            byte segmentSize = cursor.ReadU8();
            if (addressSize is not (1 or 2 or 4 or 8))
                throw section.Error(offset, $"unsupported address size {addressSize}");
            if (segmentSize != 0)
                throw section.Error(offset, "segment selectors are not supported");
            // Tuples start at a multiple of twice the address size from the set's start.
            int tupleSize = addressSize * 2;
            long firstTuple = cursor.Position - offset;
            long padding = (tupleSize - firstTuple % tupleSize) % tupleSize;
            cursor.Skip((ulong)padding);
            var ranges = new List<AddressRange>();
            while (cursor.Position + tupleSize <= end)
            {
                ulong start = cursor.ReadAddress(addressSize);
                ulong size = cursor.ReadAddress(addressSize);
                if (start == 0 && size == 0)
                    break;
                ranges.Add(new AddressRange(start, start + size));
            }
            sets.Add(new ArangeSet(offset, version, infoOffset, addressSize, ranges));
            offset = end;
        }
        return sets;
    }
}
