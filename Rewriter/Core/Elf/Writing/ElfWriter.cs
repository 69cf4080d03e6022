using Microsoft.Win32.SafeHandles;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;

namespace Rewriter.Elf.Writing;

/// <summary>
/// Writes the output ELF the way llvm-bolt does: the original image up to its last loaded byte is
/// kept at the same offsets and addresses; an optional new PT_LOAD follows, starting with a new
/// program-header table; then every non-allocated section; then a new section-header table.
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

    /// <summary>Lays out and writes the output; <paramref name="destination"/> is positioned at 0.</summary>
    public void Write(Stream destination)
    {
        var layout = PlanLayout();
        using var input = File.OpenHandle(_elf.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var output = new PaddedWriter(destination);
        var buffer = new byte[CopyBufferSize];

        var elfHeader = _elf.Image[..ElfHeader.Size].ToArray(); // keeps e_ident
        layout.Header.WriteTo(elfHeader);
        var overlays = new List<ImagePatch>(_request.Patches) { new(0, elfHeader) };
        overlays.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        CopyWithOverlays(input, 0, layout.PrefixEnd, overlays, buffer, output);

        if (layout.Segment != null)
        {
            output.PadTo(layout.Segment.Offset);
            output.Write(layout.ProgramHeaderTable);
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
                    output.Write(chunk.Span);
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
    }

    private sealed record PlacedSection(ElfSection Source, ulong Offset, ulong Size, SectionReplacement? Replacement);

    private sealed record Layout(
        ElfHeader Header, ulong PrefixEnd, NewSegmentLayout? Segment, byte[] ProgramHeaderTable,
        List<(NewSection Section, ulong Offset)> NewSectionOffsets, List<PlacedSection> NonAllocated,
        List<(NewSection Section, ulong Offset)> AddedNonAllocated, ulong SectionHeaderOffset, byte[] SectionHeaderTable);

    private Layout PlanLayout()
    {
        ulong prefixEnd = NewSegmentLayout.LoadedFileEnd(_elf);
        ulong position = prefixEnd;

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
            int lastLoad = programHeaders.FindLastIndex(p => p.Type == SegmentType.Load);
            programHeaders.Insert(lastLoad + 1, load);
            for (int i = 0; i < programHeaders.Count; i++)
                if (programHeaders[i].Type == SegmentType.Phdr)
                    programHeaders[i] = programHeaders[i] with
                    {
                        Offset = segment.Offset, VirtualAddress = segment.Address, PhysicalAddress = segment.Address,
                        FileSize = segment.ProgramHeaderTableSize, MemorySize = segment.ProgramHeaderTableSize,
                    };
            position = segment.Offset + size;
        }
        var programHeaderTable = new byte[programHeaders.Count * ProgramHeader.Size];
        for (int i = 0; i < programHeaders.Count; i++)
            programHeaders[i].WriteTo(programHeaderTable.AsSpan(i * ProgramHeader.Size));

        var (names, nameOffsets, renamedOffsets) = BuildSectionNames();
        var replacements = new Dictionary<int, SectionReplacement>(_request.ReplacedSections);
        if (names != null)
            replacements[_elf.SectionNameTableIndex] = new SectionReplacement(names);

        var sectionHeaders = new List<SectionHeader>();
        var nonAllocated = new List<PlacedSection>();
        var addedNonAllocated = new List<(NewSection Section, ulong Offset)>();
        foreach (var section in _elf.Sections)
        {
            var header = section.Header;
            if (renamedOffsets.TryGetValue(section.Index, out uint nameOffset))
                header = header with { NameOffset = nameOffset };
            if (_request.RemovedSections.Contains(section.Index))
            {
                sectionHeaders.Add(new SectionHeader(0, SectionType.Null, SectionFlags.None, 0, 0, 0, 0, 0, 0, 0));
                continue;
            }
            if (section.Index == 0 || header.Type == SectionType.Null || header.IsAllocated)
            {
                sectionHeaders.Add(header);
                continue;
            }
            var replacement = replacements.GetValueOrDefault(section.Index);
            ulong size = replacement?.Length ?? header.Size;
            position = NewSegmentLayout.AlignUp(position, Math.Max(1, header.Alignment));
            sectionHeaders.Add(header with
            {
                Offset = position, Size = size, Info = replacement?.Info ?? header.Info, Flags = replacement?.Flags ?? header.Flags,
            });
            if (header.HasFileContents)
            {
                nonAllocated.Add(new PlacedSection(section, position, size, replacement));
                position += size;
            }
        }
        for (int i = 0; i < newSectionOffsets.Count; i++)
        {
            var (section, offset) = newSectionOffsets[i];
            sectionHeaders.Add(new SectionHeader(nameOffsets[i], section.Type, section.Flags | SectionFlags.Alloc,
                section.Address, offset, (ulong)section.Contents.Length, 0, 0, section.Alignment, 0));
        }
        for (int i = 0; i < _request.NewNonAllocatedSections.Count; i++)
        {
            var section = _request.NewNonAllocatedSections[i];
            position = NewSegmentLayout.AlignUp(position, Math.Max(1, section.Alignment));
            sectionHeaders.Add(new SectionHeader(nameOffsets[newSectionOffsets.Count + i], section.Type, section.Flags & ~SectionFlags.Alloc,
                0, position, (ulong)section.Contents.Length, 0, 0, section.Alignment, 0));
            addedNonAllocated.Add((section, position));
            position += (ulong)section.Contents.Length;
        }

        ulong sectionHeaderOffset = sectionHeaders.Count == 0 ? 0 : NewSegmentLayout.AlignUp(position, 8);
        // Counts past 0xff00 move into section 0 (extended numbering).
        bool extended = sectionHeaders.Count >= SectionIndex.LoReserve;
        if (sectionHeaders.Count > 0)
            sectionHeaders[0] = sectionHeaders[0] with
            {
                Size = extended ? (ulong)sectionHeaders.Count : 0,
                Link = _elf.SectionNameTableIndex >= SectionIndex.LoReserve ? (uint)_elf.SectionNameTableIndex : 0,
            };
        var sectionHeaderTable = new byte[sectionHeaders.Count * SectionHeader.Size64];
        for (int i = 0; i < sectionHeaders.Count; i++)
            sectionHeaders[i].WriteTo(sectionHeaderTable.AsSpan(i * SectionHeader.Size64));

        var header0 = _elf.Header with
        {
            Entry = _request.NewEntry ?? _elf.Header.Entry,
            ProgramHeaderOffset = segment?.Offset ?? _elf.Header.ProgramHeaderOffset,
            ProgramHeaderCount = (ushort)programHeaders.Count,
            SectionHeaderOffset = sectionHeaderOffset,
            SectionHeaderCount = extended ? (ushort)0 : (ushort)sectionHeaders.Count,
            SectionNameTableIndex = _elf.SectionNameTableIndex >= SectionIndex.LoReserve ? SectionIndex.XIndex : (ushort)_elf.SectionNameTableIndex,
        };
        if (segment != null && segment.ProgramHeaderCount != programHeaders.Count)
            throw new InvalidOperationException("program-header count changed after the new segment was planned");

        return new Layout(header0, prefixEnd, segment, programHeaderTable, newSectionOffsets, nonAllocated,
            addedNonAllocated, sectionHeaderOffset, sectionHeaderTable);
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

    /// <summary>Tracks the output position and fills gaps with zeros.</summary>
    private sealed class PaddedWriter(Stream stream)
    {
        private static readonly byte[] Zeros = new byte[1 << 16];
        public ulong Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            Position += (ulong)bytes.Length;
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
