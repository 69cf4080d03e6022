using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// One set of .debug_pubnames/.debug_pubtypes (DWARF 2–4 §6.1.1) or their GNU variants (each entry
/// with a one-byte symbol kind after its DIE offset): the unit it describes and where its entries lie.
/// </summary>
public sealed record PubSet(int Position, int OffsetSize, ushort Version, ulong InfoOffset, ulong InfoLength, int EntriesStart, int EntriesEnd);

/// <summary>One entry of a set: the DIE's offset from its unit's start, the GNU kind byte (or -1), the name's bytes in the section.</summary>
public readonly record struct PubEntry(ulong DieOffset, int Kind, int NameStart, int NameLength);

/// <summary>Reads the sets of a pubnames-style section.</summary>
public static class PubNamesReader
{
    public static readonly string[] Sections = [".debug_pubnames", ".debug_pubtypes", ".debug_gnu_pubnames", ".debug_gnu_pubtypes"];

    public static bool IsGnu(string section) => section.StartsWith(".debug_gnu_", StringComparison.Ordinal);

    public static List<PubSet> ReadSets(SectionView section)
    {
        var sets = new List<PubSet>();
        var cursor = section.CursorAt(0);
        while (!cursor.AtEnd)
        {
            int position = cursor.Position;
            var (end, offsetSize) = cursor.ReadContributionStart(2, "set", section.Name);
            ushort version = 2;
            ulong infoOffset = cursor.ReadOffset(offsetSize);
            ulong infoLength = cursor.ReadOffset(offsetSize);
            sets.Add(new PubSet(position, offsetSize, version, infoOffset, infoLength, cursor.Position, end));
            cursor.Position = end;
        }
        return sets;
    }

    /// <summary>The entries of a set, up to its terminating 0 offset.</summary>
    public static List<PubEntry> ReadEntries(SectionView section, PubSet set, bool gnu)
    {
        var entries = new List<PubEntry>();
        var cursor = section.CursorAt(set.EntriesStart);
        while (cursor.Position < set.EntriesEnd)
        {
            ulong offset = cursor.ReadOffset(set.OffsetSize);
            if (offset == 0)
                break;
            int kind = gnu ? cursor.ReadU8() : -1;
            int nameStart = cursor.Position;
            var name = cursor.ReadCString();
            if (cursor.Position > set.EntriesEnd)
                throw section.Error(nameStart, "entry runs past the end of its set");
            entries.Add(new PubEntry(offset, kind, nameStart, name.Length));
        }
        return entries;
    }
}
