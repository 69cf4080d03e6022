using Rewriter.Common;
using Rewriter.Common.Spooling;
using Microsoft.Win32.SafeHandles;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Elf.Writing;

/// <summary>What a write changed that the user may want to hear about.</summary>
public sealed record ElfWriteResult(string? OldBuildId, string? NewBuildId);

/// <summary>
/// Writes the output ELF the way llvm-bolt does: the original image up to its last loaded byte is
/// kept at the same offsets and addresses; an optional new PT_LOAD follows (see
/// <see cref="NewSegmentLayout"/> for where the program-header table goes); then every
/// non-allocated section; then a new section-header table without the dropped sections, in
/// address order (allocated sections first, as linkers write them), every section index in the
/// file renumbered to match (<see cref="SectionIndexMap"/>). Last, the build-id is replaced by
/// one derived from the output (<see cref="BuildIdStamp"/>).
/// </summary>
public sealed class ElfWriter
{
    private const int CopyBufferSize = 1 << 18;

    private readonly ElfFile _elf;
    private readonly ElfRewriteRequest _request;

    public ElfWriter(ElfFile elf, ElfRewriteRequest request)
    {
        _elf = elf;
        _request = request;
    }

    /// <summary>Lays out and writes the output; <paramref name="destination"/> is positioned at 0 and must be seekable and readable.</summary>
    /// <param name="threads">how many threads hash the written output for its build-id; the result does not depend on it</param>
    public ElfWriteResult Write(Stream destination, int threads = 1)
    {
        var layout = PlanLayout();
        using var input = File.OpenHandle(_elf.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        // A file is read back beside the writer; another stream is read on the writer's thread, between writes.
        using var hasher = layout.BuildId?.Start(ReaderOf(destination), destination is FileStream ? threads : 1);
        var output = new PaddedWriter(destination, hasher);
        var buffer = new byte[CopyBufferSize];

        CopyWithOverlays(input, 0, layout.PrefixEnd, layout.Overlays, buffer, output);

        if (layout.Segment != null)
        {
            output.PadTo(layout.Segment.Offset);
            if (!layout.Segment.ProgramHeadersInPlace)
                output.Write(layout.ProgramHeaderTable);
            foreach (var block in layout.Segment.RelocatedBlocks)
            {
                output.PadTo(block.NewOffset);
                CopyWithOverlays(input, block.Offset, block.Offset + block.Size, [], buffer, output);
            }
            foreach (var (section, offset) in layout.NewSectionOffsets)
            {
                output.PadTo(offset);
                output.Write(section.Contents.Span);
            }
        }

        foreach (var placed in layout.NonAllocated)
        {
            output.PadTo(placed.Offset);
            if (placed.Replacement is { } replacement)
                foreach (var chunk in replacement.Chunks)
                {
                    // Spooled chunks (the debug update's) are copied in pieces, never read into memory whole.
                    if (!SpooledBytes.CopyTo(chunk, buffer, output.Write))
                        output.Write(chunk.Span);
                }
            else
                CopyWithOverlays(input, placed.Source.Header.Offset, placed.Source.Header.Offset + placed.Size, [], buffer, output);
        }

        foreach (var (section, offset) in layout.AddedNonAllocated)
        {
            output.PadTo(offset);
            output.Write(section.Contents.Span);
        }

        if (layout.SectionHeaderTable.Length > 0)
        {
            output.PadTo(layout.SectionHeaderOffset);
            output.Write(layout.SectionHeaderTable);
        }

        if (layout.BuildId is not { } stamp)
            return new ElfWriteResult(null, null);
        destination.Flush();
        byte[] id = hasher!.Finish((long)output.Position);
        destination.Seek((long)stamp.OutputOffset, SeekOrigin.Begin);
        destination.Write(id);
        destination.Seek(0, SeekOrigin.End);
        return new ElfWriteResult(Convert.ToHexStringLower(stamp.Original), Convert.ToHexStringLower(id));
    }

    private sealed record PlacedSection(ElfSection Source, ulong Offset, ulong Size, SectionReplacement? Replacement);

    private sealed record Layout(
        ulong PrefixEnd, List<ImagePatch> Overlays, NewSegmentLayout? Segment, byte[] ProgramHeaderTable,
        List<(NewSection Section, ulong Offset)> NewSectionOffsets, List<PlacedSection> NonAllocated,
        List<(NewSection Section, ulong Offset)> AddedNonAllocated, ulong SectionHeaderOffset, byte[] SectionHeaderTable,
        BuildIdStamp? BuildId);

    /// <summary>One entry of the output's section table, by the index the request knows it by.</summary>
    private sealed record OutputSection(int RequestIndex, SectionHeader Header, ElfSection? Source = null, NewSection? Added = null);

    private Layout PlanLayout()
    {
        ulong prefixEnd = NewSegmentLayout.LoadedFileEnd(_elf);
        ulong position = prefixEnd;
        var overlays = new List<ImagePatch>(_request.Patches);

        NewSegmentLayout? segment = _request.AddsSegment ? NewSegmentLayout.Plan(_elf) : null;
        var newSectionOffsets = new List<(NewSection, ulong)>();
        var programHeaders = _elf.Segments.ToList();
        foreach (var (index, updated) in _request.UpdatedSegments)
            programHeaders[index] = updated;
        if (segment != null)
        {
            ulong segmentEnd = segment.FirstFreeAddress;
            var flags = SegmentFlags.Read;
            foreach (var section in _request.NewSections)
            {
                if (section.Address < segmentEnd)
                    throw new InvalidOperationException($"new section {section.Name} at 0x{section.Address:x} overlaps what precedes it in the new segment");
                newSectionOffsets.Add((section, segment.Offset + (section.Address - segment.Address)));
                segmentEnd = section.Address + (ulong)section.Contents.Length;
                if ((section.Flags & SectionFlags.ExecInstr) != 0) flags |= SegmentFlags.Execute;
                if ((section.Flags & SectionFlags.Write) != 0) flags |= SegmentFlags.Write;
            }
            ulong size = segmentEnd - segment.Address;
            var load = new ProgramHeader(SegmentType.Load, flags, segment.Offset, segment.Address, segment.Address, size, size, segment.Alignment);
            for (int i = 0; i < programHeaders.Count; i++)
                if (Relocate(segment, programHeaders[i]) is { } relocated)
                    programHeaders[i] = relocated;
            int lastLoad = programHeaders.FindLastIndex(p => p.Type == SegmentType.Load);
            programHeaders.Insert(lastLoad + 1, load);
            var first = _elf.Segments.First(s => s.Type == SegmentType.Load);
            ulong tableOffset = segment.ProgramHeadersInPlace ? _elf.Header.ProgramHeaderOffset : segment.Offset;
            ulong tableAddress = segment.ProgramHeadersInPlace ? first.VirtualAddress + (tableOffset - first.Offset) : segment.Address;
            for (int i = 0; i < programHeaders.Count; i++)
                if (programHeaders[i].Type == SegmentType.Phdr)
                    programHeaders[i] = programHeaders[i] with
                    {
                        Offset = tableOffset, VirtualAddress = tableAddress, PhysicalAddress = tableAddress,
                        FileSize = segment.ProgramHeaderTableSize, MemorySize = segment.ProgramHeaderTableSize,
                    };
            position = segment.Offset + size;
        }
        var programHeaderTable = new byte[programHeaders.Count * ProgramHeader.Size];
        for (int i = 0; i < programHeaders.Count; i++)
            programHeaders[i].WriteTo(programHeaderTable.AsSpan(i * ProgramHeader.Size));
        if (segment != null && segment.ProgramHeaderCount != programHeaders.Count)
            throw new InvalidOperationException("program-header count changed after the new segment was planned");
        if (segment is { ProgramHeadersInPlace: true })
        {
            ulong tableEnd = _elf.Header.ProgramHeaderOffset + (ulong)programHeaderTable.Length;
            overlays.Add(new ImagePatch(_elf.Header.ProgramHeaderOffset, programHeaderTable));
            // What stays of the moved blocks' old copies is dead: clear it, so no stale note is found there.
            foreach (var block in segment.RelocatedBlocks)
                if (block.Offset + block.Size > tableEnd)
                    overlays.Add(new ImagePatch(Math.Max(block.Offset, tableEnd), new byte[block.Offset + block.Size - Math.Max(block.Offset, tableEnd)]));
        }
        else if (segment == null && _request.UpdatedSegments.Count > 0)
            overlays.Add(new ImagePatch(_elf.Header.ProgramHeaderOffset, programHeaderTable));

        var (names, nameOffsets, renamedOffsets) = BuildSectionNames();
        var replacements = new Dictionary<int, SectionReplacement>(_request.ReplacedSections);
        if (names != null)
            replacements[_elf.SectionNameTableIndex] = new SectionReplacement(names);

        // The section table in output order: allocated sections where they were, then the
        // relocated and new ones (all in the new segment, above everything else) by address,
        // then the non-allocated ones; dropped sections leave no entry.
        var inPlace = new List<OutputSection>();
        var moved = new List<OutputSection>();
        var nonAllocated = new List<OutputSection>();
        foreach (var section in _elf.Sections)
        {
            var header = section.Header;
            if (renamedOffsets.TryGetValue(section.Index, out uint nameOffset))
                header = header with { NameOffset = nameOffset };
            if (section.Index == 0)
                inPlace.Add(new OutputSection(0, header, section));
            else if (_request.RemovedSections.Contains(section.Index) || header.Type == SectionType.Null)
                continue;
            else if (!header.IsAllocated)
                nonAllocated.Add(new OutputSection(section.Index, header, section));
            else if (segment?.RelocatedBlocks.FirstOrDefault(b => header.HasFileContents && b.ContainsFileRange(header.Offset, header.Size)) is { } block)
                moved.Add(new OutputSection(section.Index, header with
                {
                    Offset = block.NewOffset + (header.Offset - block.Offset), Address = block.NewAddress + (header.Address - block.Address),
                }, section));
            else
                inPlace.Add(new OutputSection(section.Index, header, section));
        }
        for (int i = 0; i < newSectionOffsets.Count; i++)
        {
            var (section, offset) = newSectionOffsets[i];
            moved.Add(new OutputSection(_elf.Sections.Count + i, new SectionHeader(nameOffsets[i], section.Type, section.Flags | SectionFlags.Alloc,
                section.Address, offset, (ulong)section.Contents.Length, 0, 0, section.Alignment, 0), Added: section));
        }
        var order = inPlace.Concat(moved.OrderBy(s => s.Header.Address)).Concat(nonAllocated).ToList();
        int firstAddedNonAllocated = _elf.Sections.Count + newSectionOffsets.Count;
        for (int i = 0; i < _request.NewNonAllocatedSections.Count; i++)
        {
            var section = _request.NewNonAllocatedSections[i];
            order.Add(new OutputSection(firstAddedNonAllocated + i, new SectionHeader(nameOffsets[newSectionOffsets.Count + i], section.Type,
                section.Flags & ~SectionFlags.Alloc, 0, 0, (ulong)section.Contents.Length, 0, 0, section.Alignment, 0), Added: section));
        }

        var outputIndexes = Enumerable.Repeat(SectionIndexMap.Dropped, firstAddedNonAllocated + _request.NewNonAllocatedSections.Count).ToArray();
        for (int i = 0; i < order.Count; i++)
            outputIndexes[order[i].RequestIndex] = i;
        var map = new SectionIndexMap(outputIndexes);
        if (!map.IsIdentity)
            RenumberSymbols(map, replacements, overlays);

        var sectionHeaders = new List<SectionHeader>(order.Count);
        var placedNonAllocated = new List<PlacedSection>();
        var addedNonAllocated = new List<(NewSection Section, ulong Offset)>();
        foreach (var entry in order)
        {
            var header = entry.Header;
            if (entry.RequestIndex != 0)
                header = header with
                {
                    Link = map.MapLink(header.Link),
                    Info = HoldsSectionIndex(header) ? map.MapLink(header.Info) : header.Info,
                };
            if (entry.Added is { } added && !header.IsAllocated)
            {
                position = NewSegmentLayout.AlignUp(position, Math.Max(1, added.Alignment));
                header = header with { Offset = position };
                addedNonAllocated.Add((added, position));
                position += (ulong)added.Contents.Length;
            }
            else if (entry.Source is { } source && entry.RequestIndex != 0 && !header.IsAllocated)
            {
                var replacement = replacements.GetValueOrDefault(source.Index);
                ulong size = replacement?.Length ?? header.Size;
                position = NewSegmentLayout.AlignUp(position, Math.Max(1, header.Alignment));
                header = header with
                {
                    Offset = position, Size = size, Info = replacement?.Info ?? header.Info, Flags = replacement?.Flags ?? header.Flags,
                };
                if (header.HasFileContents)
                {
                    placedNonAllocated.Add(new PlacedSection(source, position, size, replacement));
                    position += size;
                }
            }
            sectionHeaders.Add(header);
        }

        ulong sectionHeaderOffset = sectionHeaders.Count == 0 ? 0 : NewSegmentLayout.AlignUp(position, 8);
        int nameTableIndex = _elf.SectionNameTableIndex == 0 ? 0 : Math.Max(0, map[_elf.SectionNameTableIndex]);
        // Counts past 0xff00 move into section 0 (extended numbering).
        bool extended = sectionHeaders.Count >= SectionIndex.LoReserve;
        if (sectionHeaders.Count > 0)
            sectionHeaders[0] = sectionHeaders[0] with
            {
                Size = extended ? (ulong)sectionHeaders.Count : 0,
                Link = nameTableIndex >= SectionIndex.LoReserve ? (uint)nameTableIndex : 0,
            };
        var sectionHeaderTable = new byte[sectionHeaders.Count * SectionHeader.Size64];
        for (int i = 0; i < sectionHeaders.Count; i++)
            sectionHeaders[i].WriteTo(sectionHeaderTable.AsSpan(i * SectionHeader.Size64));

        var header0 = _elf.Header with
        {
            Entry = _request.NewEntry ?? _elf.Header.Entry,
            ProgramHeaderOffset = segment is { ProgramHeadersInPlace: false } ? segment.Offset : _elf.Header.ProgramHeaderOffset,
            ProgramHeaderCount = (ushort)programHeaders.Count,
            SectionHeaderOffset = sectionHeaderOffset,
            SectionHeaderCount = extended ? (ushort)0 : (ushort)sectionHeaders.Count,
            SectionNameTableIndex = nameTableIndex >= SectionIndex.LoReserve ? SectionIndex.XIndex : (ushort)nameTableIndex,
        };
        var elfHeader = _elf.Image[..ElfHeader.Size].ToArray(); // keeps e_ident
        header0.WriteTo(elfHeader);
        overlays.Add(new ImagePatch(0, elfHeader));

        return new Layout(prefixEnd, overlays.OrderBy(o => o.Offset).ToList(), segment, programHeaderTable, newSectionOffsets,
            placedNonAllocated, addedNonAllocated, sectionHeaderOffset, sectionHeaderTable, PlanBuildId(segment, placedNonAllocated));
    }

    /// <summary>A program header of a block that moves to the new segment, moved with it; null for any other.</summary>
    private static ProgramHeader? Relocate(NewSegmentLayout segment, ProgramHeader header)
    {
        if (header.Type is not (SegmentType.Interp or SegmentType.Note or SegmentType.GnuProperty) || header.FileSize == 0)
            return null;
        if (segment.RelocatedBlocks.FirstOrDefault(b => b.ContainsFileRange(header.Offset, header.FileSize)) is not { } block)
            return null;
        ulong address = block.NewAddress + (header.VirtualAddress - block.Address);
        return header with { Offset = block.NewOffset + (header.Offset - block.Offset), VirtualAddress = address, PhysicalAddress = address };
    }

    /// <summary>sh_info names a section for relocation sections and wherever SHF_INFO_LINK says so.</summary>
    private static bool HoldsSectionIndex(SectionHeader header) =>
        header.Type is SectionType.Rela or SectionType.Rel || (header.Flags & SectionFlags.InfoLink) != 0;

    /// <summary>
    /// Renumbers st_shndx in every symbol table: .symtab through its replacement (the one the
    /// request gave, or a copy of the input's), .dynsym, which is loaded, through two-byte patches.
    /// </summary>
    private void RenumberSymbols(SectionIndexMap map, Dictionary<int, SectionReplacement> replacements, List<ImagePatch> overlays)
    {
        bool hasExtendedIndexes = _elf.Sections.Any(s => s.Header.Type == SectionType.SymTabShndx);
        foreach (var section in _elf.Sections)
        {
            if (_request.RemovedSections.Contains(section.Index))
                continue;
            var header = section.Header;
            if (header.Type is not (SectionType.SymTab or SectionType.DynSym or SectionType.SymTabShndx))
                continue;
            if (header.IsAllocated)
            {
                if (header.Type == SectionType.DynSym)
                    overlays.AddRange(map.SymbolPatches(_elf.GetRawContents(section), header.Offset));
                continue;
            }
            var existing = replacements.GetValueOrDefault(section.Index);
            byte[] bytes = existing is null ? _elf.GetRawContents(section).ToArray() : ByteChunks.Concat(existing.Chunks);
            if (header.Type == SectionType.SymTabShndx)
            {
                replacements[section.Index] = new SectionReplacement(map.MapExtendedIndexes(bytes), existing?.Flags, existing?.Info);
                continue;
            }
            // Dropping symbols would shift a parallel SHT_SYMTAB_SHNDX table; with one, they stay (absolute).
            var (symbols, firstGlobal) = map.MapSymbols(bytes, existing?.Info ?? header.Info, dropSectionSymbols: !hasExtendedIndexes);
            replacements[section.Index] = new SectionReplacement(symbols, existing?.Flags, firstGlobal);
        }
    }

    /// <summary>Where the input's build-id ends up in the output, if it has one.</summary>
    private BuildIdStamp? PlanBuildId(NewSegmentLayout? segment, List<PlacedSection> nonAllocated)
    {
        if (Notes.FindBuildId(_elf) is not { } note)
            return null;
        ulong offset = note.DescriptorOffset;
        ulong size = (ulong)note.Descriptor.Length;
        if (segment?.RelocatedBlocks.FirstOrDefault(b => b.ContainsFileRange(offset, size)) is { } block)
            offset = block.NewOffset + (offset - block.Offset);
        else if (nonAllocated.FirstOrDefault(p => !p.Source.Header.IsAllocated && p.Replacement == null
                     && offset >= p.Source.Header.Offset && offset + size <= p.Source.Header.FileEnd) is { } placed)
            offset = placed.Offset + (offset - placed.Source.Header.Offset); // a non-allocated note (a separate debug file's)
        else if (offset + size > NewSegmentLayout.LoadedFileEnd(_elf))
            return null; // its section is dropped or replaced
        return new BuildIdStamp(offset, note.Descriptor);
    }
    /// <summary>
    /// The section-name table with new and renamed sections' names appended, or null when no name
    /// changes (the original table is then copied unchanged). Returns the name offsets of the new
    /// sections (allocated ones first) and of the renamed ones.
    /// </summary>
    private (byte[]? Table, uint[] Offsets, Dictionary<int, uint> Renamed) BuildSectionNames()
    {
        var added = _request.NewSections.Select(s => s.Name).Concat(_request.NewNonAllocatedSections.Select(s => s.Name)).ToList();
        if (added.Count == 0 && _request.RenamedSections.Count == 0)
            return (null, [], []);
        if (_elf.SectionNameTableIndex == 0)
            throw new InputFormatException("ELF header", "cannot add or rename sections in a file without a section name table");
        var original = _elf.GetRawContents(_elf.Sections[_elf.SectionNameTableIndex]);
        var table = new List<byte>(original.ToArray());
        uint Append(string name)
        {
            uint offset = (uint)table.Count;
            table.AddRange(System.Text.Encoding.UTF8.GetBytes(name));
            table.Add(0);
            return offset;
        }
        var offsets = added.Select(Append).ToArray();
        var renamed = _request.RenamedSections.OrderBy(r => r.Key).ToDictionary(r => r.Key, r => Append(r.Value));
        return (table.ToArray(), offsets, renamed);
    }

    /// <summary>
    /// Copies [start, end) of the input with overlays laid on top.
    /// PERF: reads through a bounded buffer rather than the mapping, so copying a large image does
    /// not make every page of it resident in this process.
    /// </summary>
    private static void CopyWithOverlays(SafeFileHandle input, ulong start, ulong end, List<ImagePatch> overlays, byte[] buffer, PaddedWriter output)
    {
        for (ulong chunk = start; chunk < end; chunk += (ulong)buffer.Length)
        {
            int length = (int)Math.Min((ulong)buffer.Length, end - chunk);
            var span = buffer.AsSpan(0, length);
            int read = RandomAccess.Read(input, span, (long)chunk);
            if (read != length)
                throw new IOException($"short read of the input at 0x{chunk:x}");
            foreach (var overlay in overlays)
            {
                ulong overlayEnd = overlay.Offset + (ulong)overlay.Bytes.Length;
                if (overlayEnd <= chunk || overlay.Offset >= chunk + (ulong)length)
                    continue;
                ulong from = Math.Max(overlay.Offset, chunk), to = Math.Min(overlayEnd, chunk + (ulong)length);
                overlay.Bytes.Span.Slice((int)(from - overlay.Offset), (int)(to - from)).CopyTo(span[(int)(from - chunk)..]);
            }
            output.Write(span);
        }
    }

    /// <summary>Reads the written output back for the build-id: a file through its handle (its position untouched), another stream by seeking there and back.</summary>
    private static BuildIdStamp.ReadAt ReaderOf(Stream destination)
    {
        if (destination is FileStream file)
        {
            var handle = file.SafeFileHandle;
            return (offset, bytes) =>
            {
                for (int filled = 0; filled < bytes.Length;)
                {
                    int read = RandomAccess.Read(handle, bytes[filled..], offset + filled);
                    if (read == 0)
                        throw new IOException($"{file.Name}: the output is shorter than was written");
                    filled += read;
                }
            };
        }
        return (offset, bytes) =>
        {
            long position = destination.Position;
            destination.Seek(offset, SeekOrigin.Begin);
            destination.ReadExactly(bytes);
            destination.Position = position;
        };
    }

    /// <summary>Tracks the output position, fills gaps with zeros and hands each whole piece written to the build-id hasher.</summary>
    private sealed class PaddedWriter(Stream stream, BuildIdStamp.Hasher? hasher)
    {
        private static readonly byte[] Zeros = new byte[1 << 16];
        public ulong Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            Position += (ulong)bytes.Length;
            if (hasher is not null && (long)Position >= hasher.NextPieceEnd)
            {
                stream.Flush(); // the hasher reads the file, not the stream's buffer
                hasher.Written((long)Position);
            }
        }

        public void PadTo(ulong offset)
        {
            if (offset < Position)
                throw new InvalidOperationException($"output layout goes backwards: 0x{offset:x} < 0x{Position:x}");
            while (Position < offset)
                Write(Zeros.AsSpan(0, (int)Math.Min((ulong)Zeros.Length, offset - Position)));
        }
    }
}
