using System.Buffers.Binary;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

/// <summary>A section of the input: its index in the header table, its name and its header.</summary>
public sealed record ElfSection(int Index, string Name, SectionHeader Header)
{
    public override string ToString() => Name.Length > 0 ? Name : $"section {Index}";
}

/// <summary>
/// A linked ELF64 x86-64 file, read in place. Opening checks every header, count, offset and size
/// against the file, so everything handed out afterwards can be sliced without further checks.
/// </summary>
public sealed class ElfFile : IDisposable
{
    private readonly MappedFile _file;
    private readonly Dictionary<string, ElfSection> _sectionsByName = new(StringComparer.Ordinal);

    public string Path => _file.Path;
    public ElfHeader Header { get; }
    public IReadOnlyList<ProgramHeader> Segments { get; }
    public IReadOnlyList<ElfSection> Sections { get; }
    public int SectionNameTableIndex { get; }

    /// <summary>The whole input image.</summary>
    public ReadOnlySpan<byte> Image => _file.Span;
    public ReadOnlyMemory<byte> ImageMemory => _file.Memory;
    public long Length => _file.Length;

    private ElfFile(MappedFile file, ElfHeader header, ProgramHeader[] segments, ElfSection[] sections, int shstrndx)
    {
        _file = file;
        Header = header;
        Segments = segments;
        Sections = sections;
        SectionNameTableIndex = shstrndx;
        foreach (var section in sections)
            _sectionsByName.TryAdd(section.Name, section); // lowest index wins, deterministically
    }

    /// <param name="allowRelocatable">Accept a relocatable object too: split-DWARF .dwo files and
    /// .dwp packages are ones, and they are only read for their debug sections.</param>
    public static ElfFile Open(string path, bool allowRelocatable = false)
    {
        var file = MappedFile.Open(path);
        try
        {
            return Parse(file, allowRelocatable);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ElfSection? FindSection(string name) => _sectionsByName.GetValueOrDefault(name);

    /// <summary>The raw bytes of a section as stored in the file (still compressed if SHF_COMPRESSED).</summary>
    public ReadOnlySpan<byte> GetRawContents(ElfSection section) =>
        section.Header.HasFileContents ? Image.Slice((int)section.Header.Offset, (int)section.Header.Size) : [];

    public ReadOnlyMemory<byte> GetRawMemory(ElfSection section) =>
        section.Header.HasFileContents ? ImageMemory.Slice((int)section.Header.Offset, (int)section.Header.Size) : ReadOnlyMemory<byte>.Empty;

    public ElfSection GetSection(int index, string where)
    {
        if ((uint)index >= (uint)Sections.Count)
            throw new InputFormatException(where, $"section index {index} out of range ({Sections.Count} sections)");
        return Sections[index];
    }

    public void Dispose() => _file.Dispose();

    private static ElfFile Parse(MappedFile file, bool allowRelocatable)
    {
        var image = file.Span;
        ReadOnlySpan<byte> magic = [0x7f, (byte)'E', (byte)'L', (byte)'F'];
        int prefix = Math.Min(image.Length, magic.Length);
        if (!image[..prefix].SequenceEqual(magic[..prefix]) || image.Length == 0)
            throw new InputFormatException("ELF header", "not an ELF file (bad magic)");
        if (image.Length < ElfIdent.Size)
            throw new InputFormatException("ELF header", $"file is truncated ({image.Length} bytes; the header needs {ElfHeader.Size})");
        if (image[4] != ElfIdent.ClassElf64)
            throw new InputFormatException("ELF header", image[4] == ElfIdent.ClassElf32
                ? "unsupported ELF class ELFCLASS32 (only 64-bit ELF is supported)"
                : $"unsupported ELF class {image[4]} (only 64-bit ELF is supported)");
        if (image[5] != ElfIdent.DataLittleEndian)
            throw new InputFormatException("ELF header", image[5] == ElfIdent.DataBigEndian
                ? "unsupported data encoding big-endian (only little-endian is supported)"
                : $"unsupported data encoding {image[5]} (only little-endian is supported)");
        if (image.Length < ElfHeader.Size)
            throw new InputFormatException("ELF header", $"file is truncated ({image.Length} bytes; the header needs {ElfHeader.Size})");

        var header = ElfHeader.Read(image);
        if (header.Machine != ElfMachine.X86_64)
            throw new InputFormatException("ELF header", $"unsupported machine {header.Machine} (only x86-64 is supported)");
        if (header.Type is not (ElfType.Executable or ElfType.SharedObject) && !(allowRelocatable && header.Type == ElfType.Relocatable))
            throw new InputFormatException("ELF header", $"unsupported ELF type {DescribeType(header.Type)} (a linked executable or shared object is needed)");
        if (header.HeaderSize != ElfHeader.Size)
            throw new InputFormatException("ELF header", $"header size {header.HeaderSize} is not {ElfHeader.Size}");

        ulong length = (ulong)image.Length;
        var segments = ReadSegments(image, header, length);
        var (sectionHeaders, shstrndx) = ReadSectionHeaders(image, header, length);
        var sections = NameSections(image, sectionHeaders, shstrndx, length);
        CheckLinks(sections);
        return new ElfFile(file, header, segments, sections, shstrndx);
    }

    /// <summary>Every loaded address of an x86-64 program lies below 2^47 (the lower canonical half).</summary>
    public const ulong UserAddressLimit = 1UL << 47;

    private static ProgramHeader[] ReadSegments(ReadOnlySpan<byte> image, ElfHeader header, ulong length)
    {
        if (header.ProgramHeaderCount == 0)
            return [];
        if (header.ProgramHeaderEntrySize != ProgramHeader.Size)
            throw new InputFormatException("ELF header", $"program header entry size {header.ProgramHeaderEntrySize} is not {ProgramHeader.Size}");
        CheckRange("program header table", header.ProgramHeaderOffset, (ulong)header.ProgramHeaderCount * ProgramHeader.Size, length);

        var segments = new ProgramHeader[header.ProgramHeaderCount];
        for (int i = 0; i < segments.Length; i++)
        {
            var segment = ProgramHeader.Read(image[(int)(header.ProgramHeaderOffset + (ulong)i * ProgramHeader.Size)..]);
            string where = $"program header {i} ({DescribeSegment(segment.Type)})";
            CheckRange(where, segment.Offset, segment.FileSize, length);
            if (segment.Type == SegmentType.Load && segment.FileSize > segment.MemorySize)
                throw new InputFormatException(where, $"file size 0x{segment.FileSize:x} exceeds memory size 0x{segment.MemorySize:x}");
            if (segment.VirtualAddress + segment.MemorySize < segment.VirtualAddress)
                throw new InputFormatException(where, "memory range wraps around the address space");
            if (segment.Type == SegmentType.Load && segment.VirtualAddress + segment.MemorySize > UserAddressLimit)
                throw new InputFormatException(where, $"memory range [0x{segment.VirtualAddress:x}, 0x{segment.VirtualAddress + segment.MemorySize:x}) is beyond the x86-64 user address space (0x{UserAddressLimit:x})");
            if (segment.Type == SegmentType.Load)
            {
                CheckAlignment(where, segment.Alignment);
                // The gABI orders loadable segments by address; everything placed after the highest relies on it.
                if (Array.FindLast(segments[..i], s => s.Type == SegmentType.Load) is { Type: SegmentType.Load } previous
                    && segment.VirtualAddress < previous.VirtualAddress)
                    throw new InputFormatException(where, $"PT_LOAD at 0x{segment.VirtualAddress:x} comes after one at 0x{previous.VirtualAddress:x}: loadable segments must be in address order");
            }
            segments[i] = segment;
        }
        return segments;
    }

    private static (SectionHeader[] Headers, int NameTableIndex) ReadSectionHeaders(ReadOnlySpan<byte> image, ElfHeader header, ulong length)
    {
        if (header.SectionHeaderOffset == 0)
            return ([], 0);
        if (header.SectionHeaderEntrySize != SectionHeader.Size64)
            throw new InputFormatException("ELF header", $"section header entry size {header.SectionHeaderEntrySize} is not {SectionHeader.Size64}");
        CheckRange("section header table", header.SectionHeaderOffset, SectionHeader.Size64, length);

        // Extended numbering: counts that do not fit the ELF header live in section 0.
        var first = SectionHeader.Read(image[(int)header.SectionHeaderOffset..]);
        ulong count = header.SectionHeaderCount == 0 ? first.Size : header.SectionHeaderCount;
        uint nameTable = header.SectionNameTableIndex == SectionIndex.XIndex ? first.Link : header.SectionNameTableIndex;
        if (count > 1_000_000)
            throw new InputFormatException("ELF header", $"section count {count} is implausibly large");
        CheckRange("section header table", header.SectionHeaderOffset, count * SectionHeader.Size64, length);

        var headers = new SectionHeader[count];
        for (int i = 0; i < headers.Length; i++)
        {
            var section = SectionHeader.Read(image[(int)(header.SectionHeaderOffset + (ulong)i * SectionHeader.Size64)..]);
            if (section.HasFileContents)
                CheckRange($"section header {i}", section.Offset, section.Size, length);
            if (section.IsAllocated && (section.Address + section.Size < section.Address || section.Address + section.Size > UserAddressLimit))
                throw new InputFormatException($"section header {i}", $"address range [0x{section.Address:x}, +0x{section.Size:x}) is beyond the x86-64 user address space (0x{UserAddressLimit:x})");
            CheckAlignment($"section header {i}", section.Alignment);
            headers[i] = section;
        }
        if (count > 0 && nameTable >= count)
            throw new InputFormatException("ELF header", $"section name string table index {nameTable} out of range ({count} sections)");
        if (count > 0 && nameTable != 0 && headers[nameTable].Type != SectionType.StrTab)
            throw new InputFormatException("ELF header", $"section name string table index {nameTable} is not a string table");
        return (headers, (int)nameTable);
    }

    private static ElfSection[] NameSections(ReadOnlySpan<byte> image, SectionHeader[] headers, int shstrndx, ulong length)
    {
        var sections = new ElfSection[headers.Length];
        ReadOnlySpan<byte> names = shstrndx == 0 || headers.Length == 0
            ? []
            : image.Slice((int)headers[shstrndx].Offset, (int)headers[shstrndx].Size);
        for (int i = 0; i < headers.Length; i++)
        {
            string name = shstrndx == 0 ? "" : StringTable.Read(names, headers[i].NameOffset, $"section header {i}", ".shstrtab");
            sections[i] = new ElfSection(i, name, headers[i]);
        }
        return sections;
    }

    /// <summary>Sections whose sh_link names another section must name one that exists.</summary>
    private static void CheckLinks(ElfSection[] sections)
    {
        foreach (var section in sections)
        {
            bool linksSymbolsOrStrings = section.Header.Type is SectionType.SymTab or SectionType.DynSym or SectionType.Rela
                or SectionType.Rel or SectionType.Dynamic or SectionType.Hash or SectionType.GnuHash or SectionType.SymTabShndx;
            if (linksSymbolsOrStrings && section.Header.Link >= sections.Length)
                throw new InputFormatException($"section header {section.Index} ({section})", $"link {section.Header.Link} out of range ({sections.Length} sections)");
        }
    }

    /// <summary>The gABI asks for 0 or a power of two; we also refuse sizes no real file uses (over 1 GiB).</summary>
    private static void CheckAlignment(string where, ulong alignment)
    {
        if (alignment > 1 && (alignment & (alignment - 1)) != 0)
            throw new InputFormatException(where, $"alignment 0x{alignment:x} is not a power of two");
        if (alignment > MaxAlignment)
            throw new InputFormatException(where, $"alignment 0x{alignment:x} is implausibly large");
    }

    public const ulong MaxAlignment = 1UL << 30;

    private static void CheckRange(string where, ulong offset, ulong size, ulong length)
    {
        ulong end = offset + size;
        if (end < offset)
            throw new InputFormatException(where, $"contents of 0x{size:x} bytes at 0x{offset:x} extend past the end of the file (0x{length:x} bytes)");
        if (end > length)
            throw new InputFormatException(where, $"contents [0x{offset:x}, 0x{end:x}) extend past the end of the file (0x{length:x} bytes)");
    }

    private static string DescribeType(ElfType type) => type switch
    {
        ElfType.Relocatable => "relocatable object",
        ElfType.Core => "core dump",
        ElfType.None => "none",
        _ => $"0x{(ushort)type:x}",
    };

    public static string DescribeSegment(SegmentType type) => Enum.IsDefined(type) ? type.ToString().ToUpperInvariant() : $"0x{(uint)type:x}";
}

/// <summary>NUL-terminated strings out of a string table, bounds checked.</summary>
public static class StringTable
{
    public static string Read(ReadOnlySpan<byte> table, uint offset, string where, string tableName)
    {
        if (offset >= (uint)table.Length)
        {
            if (offset == 0 && table.Length == 0)
                return "";
            throw new InputFormatException(where, $"name offset 0x{offset:x} out of range of {tableName} (0x{table.Length:x} bytes)");
        }
        var rest = table[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new InputFormatException(where, $"name at 0x{offset:x} in {tableName} is not NUL-terminated");
        return System.Text.Encoding.UTF8.GetString(rest[..end]);
    }

    public static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> table, uint offset, string where, string tableName)
    {
        if (offset >= (uint)table.Length)
            throw new InputFormatException(where, $"name offset 0x{offset:x} out of range of {tableName} (0x{table.Length:x} bytes)");
        var rest = table[(int)offset..];
        int end = rest.IndexOf((byte)0);
        if (end < 0)
            throw new InputFormatException(where, $"name at 0x{offset:x} in {tableName} is not NUL-terminated");
        return rest[..end];
    }
}
