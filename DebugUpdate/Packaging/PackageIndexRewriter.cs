using System.Buffers.Binary;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Packaging;

/// <summary>
/// A .dwp package's .debug_cu_index or .debug_tu_index for its rebuilt sections: the input index
/// with the offset and size of each unit's rebuilt contributions (info, types, abbrev, loc,
/// loclists, rnglists) replaced; the hash table, the signatures and the contributions to the
/// sections that are copied (str_offsets, line, macro) stay as they were.
/// </summary>
public static class PackageIndexRewriter
{
    public static ReadOnlyMemory<byte> Write(DwpIndex index, SectionView input, DwarfFile package, MergedUnit[] units, ulong[][] places)
    {
        var bytes = input.Span.ToArray();
        int offsets = index.OffsetTableStart;
        int columns = index.Columns.Count;
        int sizes = offsets + index.Rows.Count * columns * 4;
        foreach (var unit in package.Units)
        {
            if (unit.PackageRow is not { } row || row.Number >= index.Rows.Count || !ReferenceEquals(index.Rows[row.Number], row))
                continue;
            var output = units[unit.Index];
            for (int c = 0; c < columns; c++)
            {
                if (Rebuilt(index.Columns[c], output) is not { } section)
                    continue;
                ulong place = places[(int)section][unit.Index];
                int size = ContributionSize(section, output);
                if (place == ulong.MaxValue)
                    place = size == 0 ? 0UL : throw new InvalidOperationException($"unit {unit.Index} of the package has no place in {section}");
                if (place > uint.MaxValue)
                    throw new InvalidOperationException($"a package contribution starts past 4 GiB ({section})");
                int at = (row.Number * columns + c) * 4;
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offsets + at), (uint)place);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(sizes + at), (uint)size);
            }
            // A rebuilt contribution with no column to name it would be lost.
            foreach (var section in new[] { OutputSection.Rnglists, OutputSection.Loclists, OutputSection.Loc })
                if (ContributionSize(section, output) > 0 && !index.Columns.Any(c => Rebuilt(c, output) == section))
                    throw unit.Info.Error(unit.Offset, $"the rebuilt unit needs a {section} contribution, which the package index has no column for");
        }
        return bytes;
    }

    private static OutputSection? Rebuilt(DwSect column, MergedUnit unit) => column switch
    {
        DwSect.Info => unit.InTypesSection ? null : OutputSection.Info,
        DwSect.Types => unit.InTypesSection ? OutputSection.Types : null,
        DwSect.Abbrev => OutputSection.Abbrev,
        DwSect.Loc => OutputSection.Loc,
        DwSect.Loclists => OutputSection.Loclists,
        DwSect.Rnglists => OutputSection.Rnglists,
        _ => null,
    };

    private static int ContributionSize(OutputSection section, MergedUnit unit) => unit.SizeOf(section);
}
