using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Packaging;

/// <summary>
/// Packs .dwo files into one .dwp package (DWARF 5 §7.3.5; a version 2 index for GNU DWARF 4), the
/// way llvm-dwp does, so the two give the same sections: each kind of section concatenated file
/// by file, the strings merged (each file's string offsets rewritten), a type unit kept once per
/// signature, and .debug_cu_index / .debug_tu_index with a row per unit. A file's abbreviations,
/// lines, string offsets and lists are one contribution that its compile unit and type units share.
/// Unlike llvm-dwp, a DWARF 4 .debug_macinfo.dwo is kept (a version 2 index has a column for it).
/// </summary>
public static class DwpPacker
{
    public static IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Pack(IReadOnlyList<DebugSections> files)
    {
        var strings = new PackageStrings();
        var sections = new Dictionary<DwSect, List<ReadOnlyMemory<byte>>>();
        var sizes = new Dictionary<DwSect, long>();
        var compileRows = new List<PackageRow>();
        var typeRows = new List<PackageRow>();
        var dwoIds = new Dictionary<ulong, string?>();
        var typeSignatures = new HashSet<ulong>();
        int version = 0;
        string? versionFile = null;

        (uint Offset, uint Size) Append(DwSect section, ReadOnlyMemory<byte> bytes, DebugSections file)
        {
            long offset = sizes.GetValueOrDefault(section);
            if (offset + bytes.Length > uint.MaxValue)
                throw new DwarfFormatException(SectionName(section), 0, "the package's contributions to this section pass 4 GiB", file.File);
            sizes[section] = offset + bytes.Length;
            if (!sections.TryGetValue(section, out var chunks))
                sections[section] = chunks = [];
            if (!bytes.IsEmpty)
                chunks.Add(bytes);
            return ((uint)offset, (uint)bytes.Length);
        }

        foreach (var file in files)
        {
            var dwarf = DwarfFile.Open(file); // unit headers and root DIEs
            if (dwarf.IsPackage)
                throw Error(file, DebugSectionNames.CuIndex, "is a package already: only .dwo files are packed");
            if (dwarf.Units.Count == 0)
                throw Error(file, DebugSectionNames.Dwo(DebugSectionNames.Info), "has no unit to pack");
            foreach (var unit in dwarf.Units)
            {
                if (version == 0)
                    (version, versionFile) = (unit.Header.Version, file.File);
                else if (unit.Header.Version != version)
                    throw unit.Info.Error(unit.Offset, $"a DWARF {unit.Header.Version} unit cannot share a package with the DWARF {version} units of {versionFile}");
                if (unit.Header.OffsetSize != 4)
                    throw unit.Info.Error(unit.Offset, "a DWARF64 unit cannot be packed yet");
            }
            var kinds = SharedSections(version);
            foreach (var name in file.Names)
                if (file.Contains(name) && !IsPacked(name, kinds))
                    throw Error(file, name, $"has no column in a version {IndexVersion(version)} package index: --write-dwp cannot pack this section");

            // The file's own contributions, which all of its units share.
            var shared = new Dictionary<DwSect, (uint Offset, uint Size)>();
            foreach (var kind in kinds)
            {
                var bytes = kind == DwSect.StrOffsets ? strings.AddFile(file, version) : file.Get(SectionName(kind));
                if (!bytes.IsEmpty)
                    shared[kind] = Append(kind, bytes, file);
            }

            bool hasCompileUnit = false;
            foreach (var unit in dwarf.Units)
            {
                var bytes = unit.Info.Bytes.Slice((int)unit.Offset, (int)unit.Header.Size);
                bool isTypeUnit = unit.Header.IsTypeUnit;
                if (!isTypeUnit && (unit.Header.UnitType is DwUnitType.SplitCompile || (version < 5 && unit.Header.UnitType == DwUnitType.Compile)))
                {
                    if (unit.DwoId is not { } dwoId)
                        throw unit.Info.Error(unit.Offset, "split compile unit has no dwo_id");
                    if (!dwoIds.TryAdd(dwoId, file.File))
                        throw unit.Info.Error(unit.Offset, $"dwo_id 0x{dwoId:x16} is also the id of a unit of {dwoIds[dwoId]}: two split units cannot share a package under one id");
                    compileRows.Add(Row(dwoId, shared, DwSect.Info, Append(DwSect.Info, bytes, file)));
                    hasCompileUnit = true;
                }
                else if (isTypeUnit)
                {
                    // The first type unit of a signature stands for all: they describe one type.
                    if (!typeSignatures.Add(unit.Header.TypeSignature))
                        continue;
                    var section = unit.IsTypeSectionUnit ? DwSect.Types : DwSect.Info;
                    typeRows.Add(Row(unit.Header.TypeSignature, shared, section, Append(section, bytes, file)));
                }
                else
                    throw unit.Info.Error(unit.Offset, $"a unit of type {unit.Header.UnitType} cannot go into a package");
            }
            if (!hasCompileUnit)
                throw Error(file, DebugSectionNames.Dwo(DebugSectionNames.Info), "has no split compile unit");
        }

        var result = new Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>();
        foreach (var (kind, chunks) in sections)
            if (sizes[kind] > 0)
                result[SectionName(kind)] = chunks;
        if (!strings.Section.IsEmpty)
            result[DebugSectionNames.Dwo(DebugSectionNames.Str)] = [strings.Section];
        // As llvm-dwp: a column for every section the package has; in version 2, compile units
        // have no .debug_types column and type units no .debug_info column.
        var columns = sizes.Where(s => s.Value > 0).Select(s => s.Key)
            .OrderBy(kind => PackageIndexWriter.OnDiskId(kind, IndexVersion(version))).ToList();
        int indexVersion = IndexVersion(version);
        if (typeRows.Count > 0)
            result[DebugSectionNames.TuIndex] = [PackageIndexWriter.Write(indexVersion, columns.Where(c => version >= 5 || c != DwSect.Info).ToList(), typeRows)];
        result[DebugSectionNames.CuIndex] = [PackageIndexWriter.Write(indexVersion, columns.Where(c => c != DwSect.Types).ToList(), compileRows)];
        return result;
    }

    private static PackageRow Row(ulong signature, Dictionary<DwSect, (uint Offset, uint Size)> shared, DwSect own, (uint Offset, uint Size) contribution) =>
        new(signature, new Dictionary<DwSect, (uint Offset, uint Size)>(shared) { [own] = contribution });

    private static int IndexVersion(int dwarfVersion) => dwarfVersion >= 5 ? 5 : 2;

    /// <summary>The sections of a .dwo whose contribution its units share, for a DWARF version.</summary>
    private static DwSect[] SharedSections(int version) => version >= 5
        ? [DwSect.Abbrev, DwSect.Line, DwSect.Loclists, DwSect.StrOffsets, DwSect.Macro, DwSect.Rnglists]
        : [DwSect.Abbrev, DwSect.Line, DwSect.Loc, DwSect.StrOffsets, DwSect.Macinfo, DwSect.Macro];

    private static bool IsPacked(string name, DwSect[] shared) =>
        name == DebugSectionNames.Dwo(DebugSectionNames.Info) || name == DebugSectionNames.Dwo(DebugSectionNames.Str)
        || (name == DebugSectionNames.Dwo(DebugSectionNames.Types) && !shared.Contains(DwSect.Loclists))
        || shared.Any(kind => SectionName(kind) == name);

    private static string SectionName(DwSect section) => DebugSectionNames.Dwo(DebugSectionNames.Of(section));

    private static DwarfFormatException Error(DebugSections file, string section, string problem) => new(section, 0, problem, file.File);
}
