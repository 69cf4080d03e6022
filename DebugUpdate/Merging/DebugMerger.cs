using System.Text;
using Rewriter.Common.Spooling;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Packaging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>The merged sections, where each unit's contributions went, and what is kept of each unit.</summary>
public sealed record MergedDebug(Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Sections, ulong[][] Places, MergedUnit[] Units)
{
    /// <summary>Each unit's new offset in its section (.debug_info or .debug_types), for the indexes that name units.</summary>
    public ulong[] UnitOffsets()
    {
        var offsets = new ulong[Units.Length];
        foreach (var unit in Units)
            offsets[unit.UnitIndex] = Places[(int)(unit.InTypesSection ? OutputSection.Types : OutputSection.Info)][unit.UnitIndex];
        return offsets;
    }
}

/// <summary>
/// Glues the rebuilt units together in input unit order: each section's contributions
/// concatenated (prefix sums give every contribution its place), every fixup and cross-unit
/// reference patched, and .debug_aranges written from the units' new code ranges. A .dwo file's
/// units are merged the same way into its .dwo sections (its line tables, strings and string
/// offsets hold no addresses and stay as they are).
/// Units may be handed over in any order, while others are still being rebuilt: a unit is placed
/// once every unit before it is, and written out (patched, and with a spool handed back by
/// <see cref="TakeUnspooled"/> for <see cref="Spool"/>) once every unit it refers to is placed. So
/// the output streams out in order and the bytes are the same whatever the order units arrive in.
/// One caller at a time, but for <see cref="Spool"/>: copying the bytes to the spool is most of the
/// merge's time, and it runs outside the caller's lock, on any thread.
/// </summary>
public sealed class DebugMerger
{
    private static readonly (OutputSection Section, string Name)[] SectionNames =
    [
        (OutputSection.Info, DebugSectionNames.Info), (OutputSection.Types, DebugSectionNames.Types),
        (OutputSection.Abbrev, DebugSectionNames.Abbrev), (OutputSection.Line, DebugSectionNames.Line),
        (OutputSection.Ranges, DebugSectionNames.Ranges), (OutputSection.Rnglists, DebugSectionNames.Rnglists),
        (OutputSection.Loc, DebugSectionNames.Loc), (OutputSection.Loclists, DebugSectionNames.Loclists),
        (OutputSection.Addr, DebugSectionNames.Addr),
    ];

    /// <summary>The sections besides .debug_info/.debug_types and .debug_abbrev a unit contributes to, in the order they are placed.</summary>
    private static readonly OutputSection[] ListSections =
        [OutputSection.Line, OutputSection.Ranges, OutputSection.Rnglists, OutputSection.Loc, OutputSection.Loclists, OutputSection.Addr];

    /// <summary>The sections a .dwo file's units are rebuilt into; the others are copied.</summary>
    private static readonly OutputSection[] SplitFileSections =
        [OutputSection.Info, OutputSection.Types, OutputSection.Abbrev, OutputSection.Rnglists, OutputSection.Loc, OutputSection.Loclists];

    private readonly DwarfFile _file;
    private readonly AddedStrings? _strings;
    private readonly SpoolFile? _spool;
    /// <summary>Units handed over and not yet written out.</summary>
    private readonly UnitOutput?[] _pending;
    private readonly MergedUnit?[] _merged;
    /// <summary>The highest unit whose place each unit's fixups and references need.</summary>
    private readonly int[] _lastTarget;
    /// <summary>chunks[unit]: the unit's written-out contributions, in the order they were placed (spooled ones once <see cref="Spool"/> copied them).</summary>
    private readonly List<(OutputSection Section, ReadOnlyMemory<byte> Bytes)>?[] _chunks;
    /// <summary>Units written out whose bytes wait for the spool.</summary>
    private List<UnitOutput> _unspooled = [];
    private readonly ulong[] _sizes;
    /// <summary>bases[section][unit]: where the unit's contribution starts; ulong.MaxValue when it has none.</summary>
    private readonly ulong[][] _bases;
    /// <summary>Whether the unit's abbreviation table is a contribution of its own (else it shares an earlier unit's).</summary>
    private readonly bool[] _ownsAbbreviations;
    /// <summary>Units with the same abbreviation table share one copy.</summary>
    private readonly Dictionary<string, ulong> _abbreviationTables = new(StringComparer.Ordinal);
    /// <summary>PERF: units that added no shape hand back their input table's one array: found by reference first.</summary>
    private readonly Dictionary<ReadOnlyMemory<byte>, ulong> _sameArray = new(MemoryIdentity.Instance);
    private int _placed, _written;

    /// <param name="strings">where strings units add (a skeleton's new dwo_name) go, after .debug_str; null for a split file</param>
    /// <param name="spool">where written-out units' bytes go; null keeps them in memory</param>
    public DebugMerger(DwarfFile file, AddedStrings? strings = null, SpoolFile? spool = null)
    {
        int count = file.Units.Count;
        _file = file;
        _strings = strings;
        _spool = spool;
        _pending = new UnitOutput?[count];
        _merged = new MergedUnit?[count];
        _lastTarget = new int[count];
        _ownsAbbreviations = new bool[count];
        int sectionCount = SectionNames.Length;
        _chunks = new List<(OutputSection, ReadOnlyMemory<byte>)>?[count];
        _sizes = new ulong[sectionCount];
        _bases = new ulong[sectionCount][];
        for (int s = 0; s < sectionCount; s++)
            Array.Fill(_bases[s] = new ulong[count], ulong.MaxValue);
    }

    /// <summary>Merges a split file's units, all rebuilt (they add no strings).</summary>
    public static Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Merge(DwarfFile file, UnitOutput[] units)
    {
        var merger = new DebugMerger(file);
        foreach (var unit in units)
            merger.Add(unit);
        return merger.Finish(keepAranges: false).Sections;
    }

    /// <summary>How many units, from the first, are written out.</summary>
    public int WrittenUnits => _written;

    /// <summary>
    /// Takes a rebuilt unit (it is the merge's from now on: with a spool, its .debug_info buffer
    /// goes back to the pool once written out), and places and writes out every unit that now can be.
    /// </summary>
    public void Add(UnitOutput unit)
    {
        if (_pending[unit.UnitIndex] is not null || _merged[unit.UnitIndex] is not null)
            throw new InvalidOperationException($"unit {unit.UnitIndex} was handed to the merge twice");
        _pending[unit.UnitIndex] = unit;
        int last = unit.UnitIndex;
        foreach (var fixup in unit.Fixups)
            last = Math.Max(last, fixup.TargetUnit);
        foreach (var (_, reference) in unit.InfoReferences)
            last = Math.Max(last, reference.Unit);
        _lastTarget[unit.UnitIndex] = last;
        while (_placed < _pending.Length && _pending[_placed] is { } next)
            Place(next);
        while (_written < _placed && _lastTarget[_written] < _placed)
            Write(_pending[_written]!);
    }

    /// <summary>The merged sections, once every unit is handed over.</summary>
    public MergedDebug Finish(bool keepAranges)
    {
        if (_written < _pending.Length)
            throw new InvalidOperationException($"unit {_written} of {_pending.Length} was not merged: {(_placed == _written ? "it was never handed over" : "a unit it refers to was never handed over")}");
        Spool(TakeUnspooled());
        var units = _merged.Select(m => m!).ToArray();
        var sections = Enumerable.Range(0, SectionNames.Length).Select(_ => new List<ReadOnlyMemory<byte>>()).ToArray();
        foreach (var chunks in _chunks)
            foreach (var (section, bytes) in chunks!)
                sections[(int)section].Add(bytes);
        var result = new Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        foreach (var (section, mainName) in SectionNames)
        {
            if (_file.IsSplit && !SplitFileSections.Contains(section))
                continue;
            string name = _file.IsSplit ? DebugSectionNames.Dwo(mainName) : mainName;
            if (sections[(int)section].Count > 0 || _file.Sections.Contains(name))
                result[name] = sections[(int)section];
        }
        if (keepAranges)
            result[DebugSectionNames.Aranges] = [ArangesWriter.Write(units, _bases[(int)OutputSection.Info], _file)];
        if (_file.IsPackage)
            foreach (var (name, index) in new[] { (DebugSectionNames.CuIndex, _file.CuIndex), (DebugSectionNames.TuIndex, _file.TuIndex) })
                if (index is not null)
                    result[name] = [PackageIndexRewriter.Write(index, _file.Sections.View(name), _file, units, _bases)];
        return new MergedDebug(result, _bases, units);
    }

    /// <summary>Gives the unit's contributions their places: every unit before it is placed.</summary>
    private void Place(UnitOutput unit)
    {
        int u = unit.UnitIndex;
        PlaceIn(unit.InTypesSection ? OutputSection.Types : OutputSection.Info, u, unit.Info.Position);
        int abbrev = (int)OutputSection.Abbrev;
        if (_sameArray.TryGetValue(unit.Abbrev, out ulong placed))
            _bases[abbrev][u] = placed;
        else
        {
            string key = Encoding.Latin1.GetString(unit.Abbrev.Span);
            if (_abbreviationTables.TryGetValue(key, out ulong shared))
                _bases[abbrev][u] = shared;
            else
            {
                _abbreviationTables.Add(key, _sizes[abbrev]);
                _ownsAbbreviations[u] = true;
                PlaceIn(OutputSection.Abbrev, u, unit.Abbrev.Length);
            }
            _sameArray.Add(unit.Abbrev, _bases[abbrev][u]);
        }
        foreach (var section in ListSections)
            if (unit.Buffer(section) is { } buffer)
                PlaceIn(section, u, buffer.Position);
        _merged[u] = new MergedUnit(unit);
        _placed++;
    }

    private void PlaceIn(OutputSection section, int unit, int size)
    {
        int s = (int)section;
        _bases[s][unit] = _sizes[s];
        _sizes[s] += (ulong)size;
    }

    /// <summary>Patches the unit (every unit it names is placed) and writes out its contributions, in the order they were placed.</summary>
    private void Write(UnitOutput unit)
    {
        foreach (var fixup in unit.Fixups)
        {
            ulong start = _bases[(int)fixup.Target][fixup.TargetUnit];
            if (start == ulong.MaxValue)
                throw new InvalidOperationException($"unit {fixup.TargetUnit} has no {fixup.Target} contribution for a fixup of unit {unit.UnitIndex}");
            // In a package, offsets into a unit's own contributions are relative to them (the index says where they are).
            if (_file.IsPackage)
            {
                if (fixup.TargetUnit != unit.UnitIndex)
                    throw new InvalidOperationException($"unit {unit.UnitIndex} of a package names another unit's {fixup.Target} contribution");
                start = 0;
            }
            Patch(unit.Buffer(fixup.In)!, fixup.Position, start + fixup.Addend, fixup.Size);
        }
        foreach (var (section, reference) in unit.InfoReferences)
        {
            var target = _merged[reference.Unit]!;
            ulong start = _bases[(int)(target.InTypesSection ? OutputSection.Types : OutputSection.Info)][reference.Unit];
            Patch(unit.Buffer(section)!, reference.Position, start + target.DieOffsets.OutputOffsetOf(reference.Target), reference.Size);
        }
        // The strings units add (a skeleton's new dwo_name) go after .debug_str, in unit order.
        foreach (var (position, value) in unit.AddedStrings)
        {
            if (_strings is null)
                throw new InvalidOperationException("a unit of a .dwo file added a string");
            Patch(unit.Info, position, _strings.OffsetOf(Encoding.UTF8.GetBytes(value)), _file.Units[unit.UnitIndex].Header.OffsetSize);
        }

        var chunks = new List<(OutputSection, ReadOnlyMemory<byte>)>(2 + ListSections.Length)
        {
            (unit.InTypesSection ? OutputSection.Types : OutputSection.Info, unit.Info.Written),
        };
        if (_ownsAbbreviations[unit.UnitIndex])
            chunks.Add((OutputSection.Abbrev, unit.Abbrev));
        foreach (var section in ListSections)
            if (unit.Buffer(section) is { } buffer)
                chunks.Add((section, buffer.Written));
        _chunks[unit.UnitIndex] = chunks;
        _pending[unit.UnitIndex] = null;
        if (_spool is not null)
            _unspooled.Add(unit);
        _written++;
    }

    /// <summary>The units written out since the last call whose bytes are still to go to the spool (none without one).</summary>
    public IReadOnlyList<UnitOutput> TakeUnspooled()
    {
        var units = _unspooled;
        _unspooled = [];
        return units;
    }

    /// <summary>
    /// Copies written-out units' bytes (from <see cref="TakeUnspooled"/>) to the spool, then gives
    /// their buffers (from the shared pool) back to serve other units. Any thread, outside the
    /// caller's lock: each unit's chunks are its own.
    /// </summary>
    public void Spool(IReadOnlyList<UnitOutput> units)
    {
        foreach (var unit in units)
        {
            var chunks = _chunks[unit.UnitIndex]!;
            for (int c = 0; c < chunks.Count; c++)
                chunks[c] = (chunks[c].Section, _spool!.Append(chunks[c].Bytes.Span));
            unit.Info.ReturnToPool();
            foreach (var section in ListSections)
                unit.Buffer(section)?.ReturnToPool();
        }
    }

    /// <summary>Memory compared by which array slice it is, not by its bytes.</summary>
    private sealed class MemoryIdentity : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly MemoryIdentity Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Equals(y);

        public int GetHashCode(ReadOnlyMemory<byte> memory) => memory.GetHashCode();
    }

    private static void Patch(ByteWriter buffer, int position, ulong value, int size)
    {
        if (size == 4 && value > uint.MaxValue)
            throw new InvalidOperationException($"offset 0x{value:x} does not fit a DWARF32 field: the section grew past 4 GiB");
        buffer.Patch(position, value, size);
    }
}
