using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Merging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Indexes;

/// <summary>What one rebuilt unit contributes to the index sections; built in its bucket, read by the merge.</summary>
/// <param name="SplitUnitSizes">for a skeleton: its split unit's size before and after (gcc's pubnames sets count that unit)</param>
/// <param name="ForeignTypeUnits">for a skeleton of a .dwo file: the names of that file's type units</param>
public sealed record UnitIndexes(UnitNames? Names, byte[][]?[] PubSets, uint TypeOffset, (long Input, long Output)? SplitUnitSizes = null,
    IReadOnlyList<UnitNames>? ForeignTypeUnits = null);

/// <summary>The rebuilt index sections, and those left out (with why).</summary>
public sealed record IndexSections(
    Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Sections, List<string> Dropped, List<string> Notes);

/// <summary>
/// The name indexes of the debug update — .debug_names, .gdb_index and the pubnames family —
/// in three steps: <see cref="Plan"/> before the buckets run (which indexes, which units),
/// <see cref="Collect"/> inside each bucket right after a unit is rebuilt (its DIE index is still
/// alive then), <see cref="Write"/> after the merge, when every unit's new offset is known.
/// </summary>
public sealed class IndexUpdate
{
    private readonly DwarfFile _file;
    /// <summary>Units the new .debug_names covers (those the input's covered, or every unit when one is created); null for none.</summary>
    private readonly bool[]? _namedUnits;
    /// <summary>The output's name indexes: per index, the units it covers, in unit order.</summary>
    private readonly List<List<int>> _nameIndexes;
    /// <summary>Per output index, the foreign type units the input's listed (by signature); null for a created index (all of them).</summary>
    private readonly List<List<ulong>?> _foreignSignatures;
    private readonly string _augmentation;
    private readonly UnitNameCollector? _names;
    private readonly List<PubNamesRewriter> _pubSections;

    private IndexUpdate(DwarfFile file, bool[]? namedUnits, List<List<int>> nameIndexes, List<List<ulong>?> foreignSignatures, string augmentation,
        List<PubNamesRewriter> pubSections)
    {
        _file = file;
        _namedUnits = namedUnits;
        _nameIndexes = nameIndexes;
        _foreignSignatures = foreignSignatures;
        _augmentation = augmentation;
        _pubSections = pubSections;
        if (namedUnits is not null)
            _names = new UnitNameCollector(file.Sections.View(DebugSectionNames.Str).Span, splitUnits: file.SplitFiles.Count > 0);
    }

    /// <summary>
    /// Each input index becomes one output index over the same units: one per unit as ld.bfd
    /// concatenates the compilers' indexes, one over all as lld --debug-names merges them. (gdb 13
    /// reads only a section holding a single index, and then mis-reads one over several units, lld's
    /// included: merging separate indexes would take gdb from reading the DWARF to a wrong index.)
    /// Units no input index covered, and every unit of a created index, go in one more index.
    /// </summary>
    /// <param name="createNames">--create-debug-names-section: a .debug_names over every unit, even when the input has none</param>
    public static IndexUpdate Plan(DwarfFile file, bool createNames)
    {
        bool[]? named = null;
        string augmentation = "";
        var indexes = new List<List<int>>();
        // A split program's names are DIEs of its split units, listed under their skeletons, and of
        // the type units of its .dwo files or package (foreign type units).
        var foreign = new List<List<ulong>?>();
        if (file.Sections.Contains(DebugSectionNames.Names))
        {
            named = new bool[file.Units.Count];
            augmentation = CoveredUnits(file, named, indexes, foreign);
        }
        if (createNames)
        {
            named ??= new bool[file.Units.Count];
            var rest = new List<int>();
            foreach (var unit in file.Units)
                if (!named[unit.Index] && !unit.IsTypeSectionUnit
                    && (unit.Header.IsTypeUnit || unit.RootTag is DwTag.CompileUnit or DwTag.SkeletonUnit))
                {
                    named[unit.Index] = true;
                    rest.Add(unit.Index);
                }
            if (rest.Count > 0)
            {
                indexes.Add(rest);
                foreign.Add(null);
            }
        }
        var pubSections = PubNamesReader.Sections.Where(file.Sections.Contains).Select(name => PubNamesRewriter.Plan(file, name)).ToList();
        return new IndexUpdate(file, named, indexes, foreign, augmentation, pubSections);
    }

    /// <param name="splitUnit">for a skeleton, its split unit (whose DIEs its names and pubnames entries name) and that unit's output</param>
    /// <param name="foreignTypeUnits">for a skeleton of a .dwo file, the names of that file's type units (<see cref="CollectForeignTypeUnit"/>)</param>
    public UnitIndexes Collect(DwarfUnit unit, UnitOutput output, DwarfUnit? splitUnit = null, UnitOutput? splitOutput = null,
        IReadOnlyList<UnitNames>? foreignTypeUnits = null)
    {
        var names = _namedUnits is { } named && named[unit.Index]
            ? splitUnit is not null ? _names!.Collect(splitUnit, splitOutput!, unit.Index) : _names!.Collect(unit, output, unit.Index)
            : null;
        var pubSets = new byte[][]?[_pubSections.Count];
        for (int i = 0; i < pubSets.Length; i++)
            pubSets[i] = _pubSections[i].Collect(unit, splitUnit ?? unit, splitOutput ?? output);
        uint typeOffset = 0;
        if (unit.Header.IsTypeUnit && unit.Dies.FindByUnitOffset(unit.Header.TypeOffset) is var typeDie and >= 0)
            typeOffset = output.DieOffsets[typeDie];
        var splitSizes = splitUnit is not null && splitOutput is not null ? (splitUnit.Header.Size, (long)splitOutput.Info.Position) : ((long, long)?)null;
        return new UnitIndexes(names, pubSets, typeOffset, splitSizes, foreignTypeUnits);
    }

    /// <summary>The names of a type unit of the .dwo file a skeleton names (a foreign type unit of the skeleton's index), or null when that index is not rebuilt.</summary>
    public UnitNames? CollectForeignTypeUnit(DwarfUnit skeleton, DwarfUnit typeUnit, UnitOutput output) =>
        _namedUnits is { } named && named[skeleton.Index]
            ? _names!.Collect(typeUnit, output, skeleton.Index, typeUnit.Header.TypeSignature)
            : null;

    /// <summary>The names of a type unit of a package (which its compile units share), or null when no index is rebuilt.</summary>
    public UnitNames? CollectPackageTypeUnit(DwarfUnit typeUnit, UnitOutput output) =>
        _namedUnits is not null ? _names!.Collect(typeUnit, output, listedUnder: -1, typeUnit.Header.TypeSignature) : null;

    /// <param name="unitOffsets">each unit's offset in its output section, from the merge</param>
    /// <param name="added">the strings added after .debug_str (the merge's first); the index adds the names it needs there</param>
    /// <param name="packageTypeUnits">the names of the type units of the program's package, in package order</param>
    public IndexSections Write(MergedUnit[] outputs, UnitIndexes[] collected, ulong[] unitOffsets, AddedStrings added,
        IReadOnlyList<UnitNames> packageTypeUnits)
    {
        var sections = new Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        var dropped = new List<string>();
        var notes = new List<string>();
        if (_namedUnits is not null)
        {
            var strings = _file.Sections.Get(DebugSectionNames.Str);
            var packaged = new Dictionary<ulong, UnitNames>();
            foreach (var typeUnit in packageTypeUnits)
                packaged.TryAdd(typeUnit.ForeignSignature!.Value, typeUnit);
            var indexes = new List<ReadOnlyMemory<byte>>();
            for (int i = 0; i < _nameIndexes.Count; i++)
            {
                var units = _nameIndexes[i];
                var names = new UnitNames?[collected.Length];
                var foreign = new List<UnitNames>();
                var signatures = new HashSet<ulong>();
                foreach (int u in units)
                {
                    names[u] = collected[u].Names;
                    // A type unit several .dwo files hold is one foreign type unit of the index.
                    foreach (var typeUnit in collected[u].ForeignTypeUnits ?? [])
                        if (signatures.Add(typeUnit.ForeignSignature!.Value))
                            foreign.Add(typeUnit);
                }
                // A package's type units: those the input index listed (every one for a created
                // index), listed under the index's first unit (a package finds them by signature).
                var listed = _foreignSignatures[i] ?? (IEnumerable<ulong>)packaged.Keys;
                foreach (ulong signature in listed)
                    if (packaged.TryGetValue(signature, out var typeUnit) && signatures.Add(signature))
                        foreign.Add(typeUnit.ListedUnder(units[0]));
                indexes.Add(NameIndexWriter.Write(names, foreign, unitOffsets, strings, _augmentation, added));
            }
            sections[DebugSectionNames.Names] = indexes;
        }
        if (_file.Sections.Contains(DebugSectionNames.GdbIndex))
        {
            var typeOffsets = collected.Select(c => c.TypeOffset).ToArray();
            var (index, problem) = GdbIndexWriter.Write(_file, outputs, unitOffsets, typeOffsets);
            if (index is { } rebuilt)
                sections[DebugSectionNames.GdbIndex] = [rebuilt];
            else
            {
                dropped.Add(DebugSectionNames.GdbIndex);
                notes.Add($"{DebugSectionNames.GdbIndex} is left out: it cannot be rewritten ({problem}), and a stale one would mislead gdb");
            }
        }
        for (int i = 0; i < _pubSections.Count; i++)
        {
            var pub = _pubSections[i];
            sections[pub.Name] = [pub.Write(collected.Select(c => c.PubSets[i]).ToArray(), unitOffsets, outputs, collected.Select(c => c.SplitUnitSizes).ToArray(), _file)];
            if (pub.OrphanSets > 0)
                notes.Add($"{pub.Name}: {pub.OrphanSets} set(s) name no unit of .debug_info and are left out");
        }
        return new IndexSections(sections, dropped, notes);
    }

    /// <summary>
    /// Marks the units the input's name indexes list (CU and local TU lists) and adds, per index,
    /// those it lists first (a unit two indexes list goes with the first); returns the first index's augmentation string.
    /// </summary>
    private static string CoveredUnits(DwarfFile file, bool[] named, List<List<int>> indexes, List<List<ulong>?> foreignSignatures)
    {
        var section = file.Sections.View(DebugSectionNames.Names);
        string? augmentation = null;
        var cursor = section.CursorAt(0);
        while (!cursor.AtEnd)
        {
            int start = cursor.Position;
            var (end, offsetSize) = cursor.ReadContributionStart(5, "name index", DebugSectionNames.Names);
            cursor.ReadU16();
            uint cuCount = cursor.ReadU32(), localTuCount = cursor.ReadU32(), foreignTuCount = cursor.ReadU32();
            cursor.Position += 3 * 4; // buckets, names, abbreviation table size
            uint augmentationSize = cursor.ReadU32();
            if ((ulong)augmentationSize + ((ulong)cuCount + localTuCount) * (ulong)offsetSize + 8UL * foreignTuCount > (ulong)(end - cursor.Position))
                throw section.Error(start, "name index tables do not fit in the contribution");
            var augmentationBytes = cursor.ReadBytes(augmentationSize);
            augmentation ??= System.Text.Encoding.ASCII.GetString(augmentationBytes).TrimEnd('\0');
            var units = new List<int>();
            for (uint i = 0; i < cuCount + localTuCount; i++)
            {
                ulong offset = cursor.ReadOffset(offsetSize);
                var unit = file.FindUnitContaining((long)Math.Min(offset, long.MaxValue));
                if (unit is not null && (ulong)unit.Offset == offset && !named[unit.Index])
                {
                    named[unit.Index] = true;
                    units.Add(unit.Index);
                }
            }
            var foreign = new List<ulong>();
            for (uint i = 0; i < foreignTuCount; i++)
                foreign.Add(cursor.ReadU64());
            // The index's CUs before its TUs; its units in unit order.
            if (units.Count > 0)
            {
                indexes.Add([.. units.Order()]);
                foreignSignatures.Add(foreign);
            }
            cursor.Position = end;
        }
        return augmentation ?? "";
    }
}
