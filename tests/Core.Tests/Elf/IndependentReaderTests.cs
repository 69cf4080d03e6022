using Rewriter.Elf;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;
using Lof = LibObjectFile.Elf;

namespace Rewriter.Tests.Elf;

/// <summary>
/// LibObjectFile, an ELF reader written by others, reads a representative set of outputs — every
/// layout mode, relocation and non-relocation, PIE, non-PIE and static — and its view of each
/// (segments, sections and their mapping to segments, symbols, dynamic entries, notes) agrees
/// with ours, and with the input's wherever the rewrite moved nothing.
/// </summary>
public class IndependentReaderTests
{
    public static TheoryData<string, string, string[]> Outputs => new()
    {
        { "clang-22", "-O2 -g", [] },
        { "clang-22", "-O2 -g", ["--force-new-segment"] },
        { "clang-22", "-O2 -g -fuse-ld=lld -Wl,--emit-relocs", ["--reorder-blocks=reverse", "--split-functions"] },
        { "gcc", "-O2 -g -no-pie -Wl,--emit-relocs", ["--reorder-blocks=reverse"] },
        { "gcc", "-O2 -static -Wl,--emit-relocs", ["--reorder-blocks=cluster-shuffle", "--seed=3"] },
        { "gcc", "-O2 -g", ["--reorder-blocks=reverse"] }, // no relocations: rewritten in place
    };

    private sealed record SegmentView(uint Type, uint Flags, ulong Offset, ulong Address, ulong PhysicalAddress, ulong FileSize, ulong MemorySize, ulong Alignment);
    private sealed record SectionView(string Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, int Link, int Info, ulong Alignment, ulong EntrySize);
    private sealed record SymbolView(string Name, ulong Value, ulong Size, int Type, int Bind, string Section);
    private sealed record NoteView(string Owner, uint Type, string Descriptor);

    [Theory]
    [MemberData(nameof(Outputs))]
    public void LibObjectFile_agrees_with_our_reader_and_with_the_input(string compiler, string flags, string[] options)
    {
        string input = TestPrograms.Build("independent", TestPrograms.HelloC, compiler, flags);
        string output = TestPrograms.TempPath("independent-out");
        var (exitCode, _, stderr) = CliRunner.Run([input, "-o", output, .. options]);
        exitCode.ShouldBe(0, stderr);
        bool moved = options.Length > 0 && options[0] != "--force-new-segment";

        using var ours = ElfFile.Open(output);
        using var original = ElfFile.Open(input);
        using var stream = File.OpenRead(output);
        var theirs = Lof.ElfFile.Read(stream, null);

        // Program and section headers, field by field.
        theirs.EntryPointAddress.ShouldBe(ours.Header.Entry);
        var theirSegments = theirs.Segments.Select(s => new SegmentView(s.Type.Value, s.Flags.Value, s.Range.Position, s.VirtualAddress,
            s.PhysicalAddress, s.Range.Size, s.SizeInMemory, s.VirtualAddressAlignment)).ToList();
        theirSegments.ShouldBe(ours.Segments.Select(s => new SegmentView((uint)s.Type, (uint)s.Flags, s.Offset, s.VirtualAddress,
            s.PhysicalAddress, s.FileSize, s.MemorySize, s.Alignment)).ToList());
        var theirSections = theirs.Sections.Select(s => new SectionView(s.Name.Value ?? "", (uint)s.Type, (ulong)s.Flags, s.VirtualAddress,
            s.Type == Lof.ElfSectionType.NoBits || s.SectionIndex == 0 ? 0 : s.Position, s.Size, s.Link.GetIndex(), s.Info.GetIndex(),
            s.VirtualAddressAlignment, s.TableEntrySize)).ToList();
        var ourSections = ours.Sections.Select(s => new SectionView(s.Name, (uint)s.Header.Type, (ulong)s.Header.Flags, s.Header.Address,
            s.Header.Type == SectionType.NoBits || s.Index == 0 ? 0 : s.Header.Offset, s.Index == 0 ? 0 : s.Header.Size, (int)s.Header.Link,
            (int)s.Header.Info, s.Header.Alignment, s.Header.EntrySize)).ToList();
        theirSections.ShouldBe(ourSections);

        // The section-to-segment mapping, from their numbers; sections that did not move sit in
        // the same kinds of segment at the same addresses as in the input.
        var theirMapping = Mapping(theirSections, theirSegments);
        var inputMapping = Mapping(
            original.Sections.Select(s => new SectionView(s.Name, (uint)s.Header.Type, (ulong)s.Header.Flags, s.Header.Address, s.Header.Offset, s.Header.Size, 0, 0, 0, 0)).ToList(),
            original.Segments.Select(s => new SegmentView((uint)s.Type, (uint)s.Flags, s.Offset, s.VirtualAddress, s.PhysicalAddress, s.FileSize, s.MemorySize, s.Alignment)).ToList());
        foreach (var section in ourSections.Where(s => (s.Flags & (ulong)SectionFlags.Alloc) != 0))
        {
            theirMapping[section.Name].ShouldContain(m => m.Type == (uint)SegmentType.Load, $"{section.Name} is in no PT_LOAD");
            var before = original.FindSection(section.Name);
            if (before != null && before.Header.Address == section.Address)
                theirMapping[section.Name].Where(m => m.Type != (uint)SegmentType.Phdr).ShouldBe(
                    inputMapping[section.Name].Where(m => m.Type != (uint)SegmentType.Phdr), section.Name);
        }

        // Symbols: theirs equal ours; against the input, every symbol keeps its name, kind and
        // section, and its value unless code moved.
        foreach (var table in new[] { ".symtab", ".dynsym" })
        {
            var theirTable = theirs.Sections.OfType<Lof.ElfSymbolTable>().SingleOrDefault(t => t.Name.Value == table);
            if (original.FindSection(table) == null)
            {
                theirTable.ShouldBeNull(); // a static program has no .dynsym, before or after
                continue;
            }
            theirTable.ShouldNotBeNull(table);
            var theirSymbols = theirTable.Entries.Select(e => new SymbolView(e.Name.Value ?? "", e.Value, e.Size, (int)e.Type, (int)e.Bind,
                SectionName(theirs, e.SectionLink))).ToList();
            var ourSymbols = Symbols(ours, table);
            theirSymbols.ShouldBe(ourSymbols, table);
            var inputSymbols = Symbols(original, table);
            if (!moved)
                ourSymbols.ShouldBe(inputSymbols, table);
            else
                foreach (var symbol in inputSymbols.Where(s => s.Section != ".text" && !s.Section.StartsWith(".rela") && !s.Section.StartsWith(".debug") && s.Type != (int)SymbolType.Section))
                {
                    // Sections that a new copy replaced keep their place under the name .rewriter.org.NAME.
                    string section = ours.FindSection(".rewriter.org" + symbol.Section) != null ? ".rewriter.org" + symbol.Section : symbol.Section;
                    ourSymbols.ShouldContain(symbol with { Section = section }, $"{table}: {symbol.Name}");
                }
        }

        // Dynamic entries: theirs equal ours, and the input's (DT_INIT/DT_FINI may follow moved code).
        var theirDynamic = theirs.Sections.OfType<Lof.ElfDynamicLinkingTable>().SingleOrDefault()?.Entries.Select(e => ((long)e.Tag, e.Value)).ToList() ?? [];
        var ourDynamic = DynamicSection.Read(ours).Select(e => ((long)e.Tag, e.Value)).ToList();
        theirDynamic.Take(ourDynamic.Count).ShouldBe(ourDynamic);
        var inputDynamic = DynamicSection.Read(original).Select(e => ((long)e.Tag, e.Value)).ToList();
        long[] codeTags = [12, 13]; // DT_INIT, DT_FINI
        ourDynamic.Where(e => !moved || !codeTags.Contains(e.Item1)).ShouldBe(inputDynamic.Where(e => !moved || !codeTags.Contains(e.Item1)));

        // Notes: theirs equal ours; the input's are all there, but the build-id is new and as long.
        var theirNotes = theirs.Sections.OfType<Lof.ElfNoteTable>().Where(t => (t.Flags & Lof.ElfSectionFlags.Alloc) != 0)
            .SelectMany(t => t.Entries).Select(n => new NoteView(n.GetName(), (uint)n.GetNoteType().Value, Descriptor(n))).ToList();
        var ourNotes = Notes.Read(ours).Where(n => n.Owner == "GNU")
            .Select(n => new NoteView(n.Owner, n.Type, OurDescriptor(n))).ToList();
        theirNotes.Where(n => n.Owner == "GNU").OrderBy(n => n.Type).ShouldBe(ourNotes.OrderBy(n => n.Type));
        var inputNotes = Notes.Read(original).Where(n => n.Owner == "GNU").Select(n => new NoteView(n.Owner, n.Type, OurDescriptor(n))).ToList();
        foreach (var note in inputNotes)
        {
            if (note.Owner == "GNU" && note.Type == Notes.GnuBuildIdType)
            {
                var buildId = ourNotes.Single(n => n.Owner == "GNU" && n.Type == Notes.GnuBuildIdType);
                buildId.Descriptor.Length.ShouldBe(note.Descriptor.Length);
                buildId.Descriptor.ShouldNotBe(note.Descriptor);
            }
            else
                ourNotes.ShouldContain(note);
        }
    }

    /// <summary>Our descriptor as LibObjectFile shows it: hex, but the ABI tag decoded as its text.</summary>
    private static string OurDescriptor(ElfNote note)
    {
        const uint AbiTag = 1;
        if (note.Type != AbiTag || note.Descriptor.Length != 16)
            return Convert.ToHexStringLower(note.Descriptor);
        uint Word(int i) => BitConverter.ToUInt32(note.Descriptor, i * 4);
        string os = Word(0) switch { 0 => "Linux", 1 => "Hurd", 2 => "Solaris", 3 => "FreeBSD", _ => Word(0).ToString() };
        return $"OS: {os}, ABI: {Word(1)}.{Word(2)}.{Word(3)}";
    }

    private static Dictionary<string, List<SegmentView>> Mapping(List<SectionView> sections, List<SegmentView> segments)
    {
        var mapping = new Dictionary<string, List<SegmentView>>();
        foreach (var section in sections.Where(s => s.Name.Length > 0))
            mapping[section.Name] = segments.Where(g => (section.Flags & (ulong)SectionFlags.Alloc) != 0 && g.MemorySize > 0
                && section.Address >= g.Address && section.Address + section.Size <= g.Address + g.MemorySize
                && (section.Type == (uint)SectionType.NoBits || (section.Offset >= g.Offset && section.Offset + section.Size <= g.Offset + g.FileSize))).ToList();
        return mapping;
    }

    private static List<SymbolView> Symbols(ElfFile elf, string table)
    {
        var symbols = SymbolTable.Find(elf, table).ShouldNotBeNull();
        return Enumerable.Range(0, symbols.Count).Select(i => symbols[i]).Select(s => new SymbolView(symbols.GetName(s), s.Value, s.Size,
            (int)s.Type, (int)s.Binding, s.SectionIndex is > 0 and < SectionIndex.LoReserve ? elf.Sections[s.SectionIndex].Name : $"#{s.SectionIndex}")).ToList();
    }

    private static string SectionName(Lof.ElfFile elf, Lof.ElfSectionLink link) =>
        link.Section is { } section ? section.Name.Value ?? "" : $"#{link.GetIndex()}";

    private static string Descriptor(Lof.ElfNote note)
    {
        Stream? bytes = note switch
        {
            Lof.ElfGnuNoteBuildId buildId => buildId.BuildId,
            Lof.ElfCustomNote custom => custom.Descriptor,
            _ => null,
        };
        if (bytes is null)
            return note.GetDescriptorAsText();
        bytes.Position = 0;
        var copy = new MemoryStream();
        bytes.CopyTo(copy);
        return Convert.ToHexStringLower(copy.ToArray());
    }
}
