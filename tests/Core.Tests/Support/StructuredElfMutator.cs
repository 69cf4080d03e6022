using System.Buffers.Binary;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Tests.Support;

/// <summary>
/// Structure-aware corruption of a linked program: one to three fields of the ELF header, the
/// program or section headers, a symbol, a relocation or the exception frames (.eh_frame,
/// .eh_frame_hdr, .gcc_except_table) set to a value chosen to hit edge cases — zero, all ones,
/// just past a boundary, near 2^63, the original off by one or by a page, a flipped bit.
/// </summary>
public sealed class StructuredElfMutator
{
    private readonly byte[] _original;
    private readonly ulong _programHeaders;
    private readonly int _programHeaderCount;
    private readonly ulong _sectionHeaders;
    private readonly List<(ulong Offset, ulong Size)> _symbolTables = [];
    private readonly List<(ulong Offset, ulong Size)> _relocationTables = [];
    private readonly List<(ulong Offset, ulong Size)> _exceptionData = [];
    private readonly int _sectionCount;

    public StructuredElfMutator(string path)
    {
        _original = File.ReadAllBytes(path);
        using var elf = ElfFile.Open(path);
        _programHeaders = elf.Header.ProgramHeaderOffset;
        _programHeaderCount = elf.Segments.Count;
        _sectionHeaders = elf.Header.SectionHeaderOffset;
        _sectionCount = elf.Sections.Count;
        foreach (var section in elf.Sections.Where(s => s.Header.HasFileContents && s.Header.Size > 0))
        {
            var range = (section.Header.Offset, section.Header.Size);
            if (section.Header.Type is SectionType.SymTab or SectionType.DynSym)
                _symbolTables.Add(range);
            else if (section.Header.Type == SectionType.Rela)
                _relocationTables.Add(range);
            else if (section.Name is ".eh_frame" or ".eh_frame_hdr" or ".gcc_except_table")
                _exceptionData.Add(range);
        }
    }

    /// <summary>Which structure a mutation hit, for the report.</summary>
    public static readonly string[] Kinds = ["ELF header", "program header", "section header", "symbol", "relocation", "exception frames"];

    public (byte[] Image, string Description) Mutate(Random random)
    {
        byte[] image = (byte[])_original.Clone();
        int edits = 1 + (random.Next(4) == 0 ? random.Next(1, 3) : 0);
        var described = new List<string>();
        for (int i = 0; i < edits; i++)
        {
            int kind = random.Next(Kinds.Length);
            var (offset, width) = Field(kind, random);
            if (offset + (ulong)width > (ulong)image.Length)
                continue;
            ulong before = Read(image, offset, width);
            ulong value = Interesting(before, width, random);
            Write(image, offset, width, value);
            described.Add($"{Kinds[kind]} +0x{offset:x}/{width}: 0x{before:x} -> 0x{value:x}");
        }
        return (image, string.Join("; ", described));
    }

    private (ulong Offset, int Width) Field(int kind, Random random)
    {
        switch (kind)
        {
            case 0:
                (int, int)[] header = [(24, 8), (32, 8), (40, 8), (54, 2), (56, 2), (58, 2), (60, 2), (62, 2), (16, 2), (4, 1), (5, 1)];
                var (at, size) = header[random.Next(header.Length)];
                return ((ulong)at, size);
            case 1:
                (int, int)[] program = [(0, 4), (4, 4), (8, 8), (16, 8), (24, 8), (32, 8), (40, 8), (48, 8)];
                var (p, pw) = program[random.Next(program.Length)];
                return (_programHeaders + (ulong)(random.Next(Math.Max(1, _programHeaderCount)) * ProgramHeader.Size + p), pw);
            case 2:
                (int, int)[] section = [(0, 4), (4, 4), (8, 8), (16, 8), (24, 8), (32, 8), (40, 4), (44, 4), (48, 8), (56, 8)];
                var (s, sw) = section[random.Next(section.Length)];
                return (_sectionHeaders + (ulong)(random.Next(Math.Max(1, _sectionCount)) * SectionHeader.Size64 + s), sw);
            case 3:
                (int, int)[] symbol = [(0, 4), (4, 1), (5, 1), (6, 2), (8, 8), (16, 8)];
                var (y, yw) = symbol[random.Next(symbol.Length)];
                return (Entry(_symbolTables, ElfSymbol.Size64, random) + (ulong)y, yw);
            case 4:
                (int, int)[] relocation = [(0, 8), (8, 4), (12, 4), (16, 8)];
                var (r, rw) = relocation[random.Next(relocation.Length)];
                return (Entry(_relocationTables, 24, random) + (ulong)r, rw);
            default:
                if (_exceptionData.Count == 0)
                    return (0, 1);
                var (start, length) = _exceptionData[random.Next(_exceptionData.Count)];
                int width = new[] { 1, 1, 2, 4, 4, 8 }[random.Next(6)];
                return (start + (ulong)random.NextInt64((long)Math.Max(1, length)), width);
        }
    }

    private static ulong Entry(List<(ulong Offset, ulong Size)> tables, int entrySize, Random random)
    {
        if (tables.Count == 0)
            return 0;
        var (offset, size) = tables[random.Next(tables.Count)];
        return offset + (ulong)(random.NextInt64((long)Math.Max(1, size / (ulong)entrySize)) * entrySize);
    }

    private static ulong Interesting(ulong original, int width, Random random)
    {
        ulong mask = width == 8 ? ulong.MaxValue : (1UL << (width * 8)) - 1;
        ulong value = random.Next(12) switch
        {
            0 => 0,
            1 => ulong.MaxValue,
            2 => 1,
            3 => original + 1,
            4 => original - 1,
            5 => original + 0x1000,
            6 => original - 0x1000,
            7 => (1UL << 63) - (ulong)random.Next(1, 0x2000),
            8 => original ^ (1UL << random.Next(width * 8)),
            9 => mask >> 1,
            10 => original * 2,
            _ => (ulong)random.NextInt64() ^ ((ulong)random.NextInt64() << 32),
        };
        return value & mask;
    }

    private static ulong Read(byte[] image, ulong offset, int width) => width switch
    {
        1 => image[offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan((int)offset)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)offset)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan((int)offset)),
    };

    private static void Write(byte[] image, ulong offset, int width, ulong value)
    {
        switch (width)
        {
            case 1: image[offset] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan((int)offset), (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan((int)offset), (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(image.AsSpan((int)offset), value); break;
        }
    }
}
