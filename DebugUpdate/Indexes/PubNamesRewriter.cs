using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Merging;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>
/// Rewrites one of .debug_pubnames, .debug_pubtypes, .debug_gnu_pubnames, .debug_gnu_pubtypes for
/// the rebuilt units: each set's unit offset and length become the unit's new ones, and each
/// entry's DIE offset the DIE's new offset in its unit (an entry whose DIE cannot be found is
/// dropped). Entries are translated inside the bucket work (<see cref="Collect"/>), while the
/// unit's DIE index is alive; the sets are written in input order at the merge.
/// </summary>
public sealed class PubNamesRewriter
{
    private readonly SectionView _section;
    private readonly bool _gnu;
    private readonly List<PubSet> _sets;
    /// <summary>The unit each set describes, -1 when no unit starts at its offset.</summary>
    private readonly int[] _setUnits;
    private readonly Dictionary<int, List<int>> _setsOfUnit = [];

    private PubNamesRewriter(DwarfFile file, string name)
    {
        Name = name;
        _section = file.Sections.View(name);
        _gnu = PubNamesReader.IsGnu(name);
        _sets = PubNamesReader.ReadSets(_section);
        _setUnits = new int[_sets.Count];
        for (int s = 0; s < _sets.Count; s++)
        {
            var unit = file.FindUnitContaining((long)Math.Min(_sets[s].InfoOffset, long.MaxValue));
            _setUnits[s] = unit is not null && (ulong)unit.Offset == _sets[s].InfoOffset && !unit.Header.IsTypeUnit ? unit.Index : -1;
            if (_setUnits[s] >= 0)
            {
                if (!_setsOfUnit.TryGetValue(_setUnits[s], out var sets))
                    _setsOfUnit[_setUnits[s]] = sets = [];
                sets.Add(s);
            }
        }
    }

    public string Name { get; }

    /// <summary>Sets that name no unit of .debug_info, left out of the output.</summary>
    public int OrphanSets => _setUnits.Count(u => u < 0);

    public static PubNamesRewriter Plan(DwarfFile file, string name) => new(file, name);

    /// <summary>The rewritten entries (terminator included) of each of the unit's sets, or null when it has none.</summary>
    /// <param name="dieUnit">the unit whose DIEs the entries name: the unit itself, or a skeleton's split unit</param>
    /// <param name="output">the output of <paramref name="dieUnit"/></param>
    public byte[][]? Collect(DwarfUnit setUnit, DwarfUnit dieUnit, UnitOutput output)
    {
        if (!_setsOfUnit.TryGetValue(setUnit.Index, out var sets))
            return null;
        var unit = dieUnit;
        var result = new byte[sets.Count][];
        var bytes = _section.Span;
        for (int i = 0; i < sets.Count; i++)
        {
            var set = _sets[sets[i]];
            var writer = new ByteWriter(set.EntriesEnd - set.EntriesStart + 8);
            foreach (var entry in PubNamesReader.ReadEntries(_section, set, _gnu))
            {
                int die = unit.Dies.FindByUnitOffset(entry.DieOffset);
                if (die < 0)
                    continue; // no DIE there (any more): the entry would name nothing
                writer.WriteUnsigned(output.DieOffsets[die], set.OffsetSize);
                if (_gnu)
                    writer.WriteU8((byte)entry.Kind);
                writer.WriteBytes(bytes.Slice(entry.NameStart, entry.NameLength + 1));
            }
            writer.WriteUnsigned(0, set.OffsetSize);
            result[i] = writer.WrittenSpan.ToArray();
        }
        return result;
    }

    /// <param name="collected">per unit, what <see cref="Collect"/> returned</param>
    /// <param name="splitUnitSizes">per skeleton, its split unit's size before and after the rebuild</param>
    public ReadOnlyMemory<byte> Write(IReadOnlyList<byte[][]?> collected, ulong[] unitOffsets, MergedUnit[] outputs, IReadOnlyList<(long Input, long Output)?> splitUnitSizes,
        DwarfFile file)
    {
        var output = new ByteWriter(_section.Length + 64);
        var next = new Dictionary<int, int>();
        for (int s = 0; s < _sets.Count; s++)
        {
            int unit = _setUnits[s];
            if (unit < 0)
                continue;
            next.TryGetValue(unit, out int ordinal);
            next[unit] = ordinal + 1;
            var set = _sets[s];
            var body = collected[unit]![ordinal];
            int lengthAt = ListWriter.WriteInitialLength(output, set.OffsetSize);
            output.WriteU16(set.Version);
            output.WriteUnsigned(unitOffsets[unit], set.OffsetSize);
            // The length as the producer counted it (the whole unit), moved by what the unit grew or shrank.
            long growth = outputs[unit].InfoSize - file.Units[unit].Header.Size;
            // gcc counts a skeleton's set in its split unit's bytes.
            if (splitUnitSizes[unit] is { } split && set.InfoLength == (ulong)split.Input && set.InfoLength != (ulong)file.Units[unit].Header.Size)
                growth = split.Output - split.Input;
            output.WriteUnsigned((ulong)((long)set.InfoLength + growth), set.OffsetSize);
            output.WriteBytes(body);
            ListWriter.PatchInitialLength(output, lengthAt, set.OffsetSize);
        }
        return output.Written;
    }
}
