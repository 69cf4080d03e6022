using System.Buffers.Binary;

namespace Rewriter.Elf;

/// <summary>The ELF64 file header (Elf64_Ehdr), decoded.</summary>
public readonly record struct ElfHeader(
    byte OsAbi, byte AbiVersion, ElfType Type, ushort Machine, uint Version, ulong Entry,
    ulong ProgramHeaderOffset, ulong SectionHeaderOffset, uint Flags, ushort HeaderSize,
    ushort ProgramHeaderEntrySize, ushort ProgramHeaderCount, ushort SectionHeaderEntrySize,
    ushort SectionHeaderCount, ushort SectionNameTableIndex)
{
    public const int Size = 64;

    public static ElfHeader Read(ReadOnlySpan<byte> b) => new(
        OsAbi: b[7], AbiVersion: b[8],
        Type: (ElfType)BinaryPrimitives.ReadUInt16LittleEndian(b[16..]),
        Machine: BinaryPrimitives.ReadUInt16LittleEndian(b[18..]),
        Version: BinaryPrimitives.ReadUInt32LittleEndian(b[20..]),
        Entry: BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        ProgramHeaderOffset: BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        SectionHeaderOffset: BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
        Flags: BinaryPrimitives.ReadUInt32LittleEndian(b[48..]),
        HeaderSize: BinaryPrimitives.ReadUInt16LittleEndian(b[52..]),
        ProgramHeaderEntrySize: BinaryPrimitives.ReadUInt16LittleEndian(b[54..]),
        ProgramHeaderCount: BinaryPrimitives.ReadUInt16LittleEndian(b[56..]),
        SectionHeaderEntrySize: BinaryPrimitives.ReadUInt16LittleEndian(b[58..]),
        SectionHeaderCount: BinaryPrimitives.ReadUInt16LittleEndian(b[60..]),
        SectionNameTableIndex: BinaryPrimitives.ReadUInt16LittleEndian(b[62..]));

    /// <summary>Writes this header over the 64 bytes of <paramref name="b"/>, keeping e_ident's first bytes as given.</summary>
    public void WriteTo(Span<byte> b)
    {
        b[7] = OsAbi;
        b[8] = AbiVersion;
        BinaryPrimitives.WriteUInt16LittleEndian(b[16..], (ushort)Type);
        BinaryPrimitives.WriteUInt16LittleEndian(b[18..], Machine);
        BinaryPrimitives.WriteUInt32LittleEndian(b[20..], Version);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], Entry);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], ProgramHeaderOffset);
        BinaryPrimitives.WriteUInt64LittleEndian(b[40..], SectionHeaderOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[48..], Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(b[52..], HeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[54..], ProgramHeaderEntrySize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[56..], ProgramHeaderCount);
        BinaryPrimitives.WriteUInt16LittleEndian(b[58..], SectionHeaderEntrySize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[60..], SectionHeaderCount);
        BinaryPrimitives.WriteUInt16LittleEndian(b[62..], SectionNameTableIndex);
    }
}

/// <summary>One program header (Elf64_Phdr).</summary>
public readonly record struct ProgramHeader(
    SegmentType Type, SegmentFlags Flags, ulong Offset, ulong VirtualAddress, ulong PhysicalAddress,
    ulong FileSize, ulong MemorySize, ulong Alignment)
{
    public const int Size = 56;

    public ulong FileEnd => Offset + FileSize;
    public ulong MemoryEnd => VirtualAddress + MemorySize;

    public static ProgramHeader Read(ReadOnlySpan<byte> b) => new(
        (SegmentType)BinaryPrimitives.ReadUInt32LittleEndian(b),
        (SegmentFlags)BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[40..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[48..]));

    public void WriteTo(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)Type);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], VirtualAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], PhysicalAddress);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], FileSize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[40..], MemorySize);
        BinaryPrimitives.WriteUInt64LittleEndian(b[48..], Alignment);
    }
}

/// <summary>One section header (Elf64_Shdr).</summary>
public readonly record struct SectionHeader(
    uint NameOffset, SectionType Type, SectionFlags Flags, ulong Address, ulong Offset, ulong Size,
    uint Link, uint Info, ulong Alignment, ulong EntrySize)
{
    public const int Size64 = 64;

    public bool IsAllocated => (Flags & SectionFlags.Alloc) != 0;
    public bool HasFileContents => Type != SectionType.NoBits && Type != SectionType.Null;
    public ulong FileEnd => Offset + (HasFileContents ? Size : 0);

    public static SectionHeader Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b),
        (SectionType)BinaryPrimitives.ReadUInt32LittleEndian(b[4..]),
        (SectionFlags)BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[40..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[44..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[48..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[56..]));

    public void WriteTo(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b, NameOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[4..], (uint)Type);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], (ulong)Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], Address);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], Offset);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], Size);
        BinaryPrimitives.WriteUInt32LittleEndian(b[40..], Link);
        BinaryPrimitives.WriteUInt32LittleEndian(b[44..], Info);
        BinaryPrimitives.WriteUInt64LittleEndian(b[48..], Alignment);
        BinaryPrimitives.WriteUInt64LittleEndian(b[56..], EntrySize);
    }
}
