namespace Rewriter.DebugUpdate.Reading;

/// <summary>Scans a unit's DIEs once and builds its <see cref="DieIndex"/>.</summary>
public static class DieIndexBuilder
{
    // PERF: the entries are collected in a per-thread array that only grows, and kept in one of
    // about their size: DIEs average 6.7 bytes in optimised clang DWARF 5 and 11 in gcc's, so any
    // size guessed from the unit's bytes wastes half or regrows, and every large array allocated
    // counts towards the full collections the runtime makes for large objects.
    [ThreadStatic]
    private static DieEntry[]? t_entries;

    public static DieIndex Build(SectionView info, in UnitHeader header, AbbreviationTable abbreviations)
    {
        var entries = t_entries ??= new DieEntry[4096];
        int count = 0;
        var cursor = info.CursorAt(header.FirstDieOffset);
        int end = (int)header.End;
        var encoding = header.Encoding;
        uint unitStart = (uint)header.Offset;

        // The open scopes: for each nesting level, the parent index and the last child seen.
        var parents = new List<int>(32);
        var lastChild = new List<int>(32) { -1 };

        while (cursor.Position < end)
        {
            int dieStart = cursor.Position;
            ulong code = cursor.ReadUleb();
            if (code == 0)
            {
                // A NULL entry closes the current sibling chain; trailing padding after the root
                // (NULLs at top level) is tolerated.
                if (parents.Count > 0)
                {
                    parents.RemoveAt(parents.Count - 1);
                    lastChild.RemoveAt(lastChild.Count - 1);
                }
                continue;
            }
            if (!abbreviations.TryGetIndex(code, out int abbreviationIndex))
                throw cursor.ErrorAt(dieStart, $"abbreviation code {code} is not in the table at .debug_abbrev+0x{abbreviations.Offset:x}");
            var abbreviation = abbreviations[abbreviationIndex];

            int index = count;
            if (count == entries.Length)
            {
                Array.Resize(ref entries, entries.Length * 2);
                t_entries = entries;
            }
            int currentParent = parents.Count > 0 ? parents[^1] : -1;
            entries[count++] = new DieEntry((uint)dieStart - unitStart, currentParent < 0 ? 0 : index - currentParent,
                (ushort)abbreviationIndex, abbreviation.Tag);
            int previous = lastChild[^1];
            if (previous >= 0)
                entries[previous] = entries[previous].WithSibling(index - previous);
            lastChild[^1] = index;

            // PERF: a DIE whose forms are all fixed-size is skipped with one bounds-checked addition.
            if (abbreviation.FixedSize >= 0)
                cursor.Skip((ulong)abbreviation.FixedSize);
            else
            {
                var specs = abbreviation.Attributes;
                for (int i = 0; i < specs.Length; i++)
                    AttributeDecoder.Skip(ref cursor, in specs[i], encoding);
            }
            if (cursor.Position > end)
                throw cursor.ErrorAt(dieStart, "DIE runs past the end of its unit");

            if (abbreviation.HasChildren)
            {
                parents.Add(index);
                lastChild.Add(-1);
            }
        }
        if (count == 0)
            throw info.Error(header.Offset, "unit has no DIEs");
        // PERF: from the shared pool; the debug update gives each unit's back once its bucket is done (gdb: 160 MB less allocated).
        var storage = System.Buffers.ArrayPool<DieEntry>.Shared.Rent(count);
        entries.AsSpan(0, count).CopyTo(storage);
        return new DieIndex(storage, count, abbreviations);
    }
}
