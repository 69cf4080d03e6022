using System.Buffers.Binary;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

/// <summary>One Elf64_Rela.</summary>
public readonly record struct Relocation(ulong Offset, uint SymbolIndex, X86RelocationType Type, long Addend)
{
    public const int Size64 = 24;

    public static Relocation Read(ReadOnlySpan<byte> b)
    {
        ulong info = BinaryPrimitives.ReadUInt64LittleEndian(b[8..]);
        return new Relocation(BinaryPrimitives.ReadUInt64LittleEndian(b), (uint)(info >> 32), (X86RelocationType)(uint)info,
            BinaryPrimitives.ReadInt64LittleEndian(b[16..]));
    }
}

/// <summary>A SHT_RELA section: which section it applies to, which symbol table it uses, its entries.</summary>
public sealed class RelocationSection
{
    private readonly ReadOnlyMemory<byte> _entries;

    public ElfSection Section { get; }
    /// <summary>The section patched (sh_info), or null for dynamic relocations that use addresses.</summary>
    public ElfSection? Target { get; }
    public int Count => _entries.Length / Relocation.Size64;

    private RelocationSection(ElfSection section, ElfSection? target, ReadOnlyMemory<byte> entries)
    {
        Section = section;
        Target = target;
        _entries = entries;
    }

    public static IEnumerable<RelocationSection> ReadAll(ElfFile elf) =>
        elf.Sections.Where(s => s.Header.Type == SectionType.Rela).Select(s => Read(elf, s)).ToList();

    public static RelocationSection Read(ElfFile elf, ElfSection section)
    {
        string where = $"section {section}";
        if (section.Header.Type == SectionType.Rel)
            throw new InputFormatException(where, "SHT_REL relocations are not used on x86-64 and are not supported");
        if (section.Header.EntrySize != Relocation.Size64 || section.Header.Size % Relocation.Size64 != 0)
            throw new InputFormatException(where, $"entry size {section.Header.EntrySize} or size 0x{section.Header.Size:x} does not fit {Relocation.Size64}-byte relocations");
        bool appliesToSection = (section.Header.Flags & SectionFlags.InfoLink) != 0 || !section.Header.IsAllocated;
        ElfSection? target = appliesToSection && section.Header.Info != 0 ? elf.GetSection((int)section.Header.Info, where) : null;
        return new RelocationSection(section, target, elf.GetRawMemory(section));
    }

    public Relocation this[int index] => Relocation.Read(_entries.Span.Slice(index * Relocation.Size64, Relocation.Size64));

    public IEnumerable<Relocation> Entries()
    {
        for (int i = 0; i < Count; i++)
            yield return this[i];
    }
}

/// <summary>
/// SHT_RELR (.relr.dyn): compressed relative relocations. An even word is an address; an odd word
/// is a bitmap of the following 63 words after the last address.
/// </summary>
public static class RelrDecoder
{
    public static List<ulong> Decode(ReadOnlySpan<byte> contents, string where)
    {
        if (contents.Length % 8 != 0)
            throw new InputFormatException(where, $"size 0x{contents.Length:x} is not a multiple of 8");
        var addresses = new List<ulong>();
        ulong next = 0;
        bool haveBase = false;
        for (int i = 0; i < contents.Length; i += 8)
        {
            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(contents[i..]);
            if ((word & 1) == 0)
            {
                addresses.Add(word);
                next = word + 8;
                haveBase = true;
                continue;
            }
            if (!haveBase)
                throw InputFormatException.At(where, (ulong)i, "bitmap entry before any address entry");
            ulong bits = word >> 1;
            for (int bit = 0; bits != 0; bit++, bits >>= 1)
                if ((bits & 1) != 0)
                    addresses.Add(next + (ulong)bit * 8);
            next += 63 * 8;
        }
        return addresses;
    }
}
