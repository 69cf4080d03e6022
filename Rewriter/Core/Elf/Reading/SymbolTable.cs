using System.Buffers.Binary;
using Rewriter.Diagnostics;

namespace Rewriter.Elf.Reading;

/// <summary>One Elf64_Sym.</summary>
public readonly record struct ElfSymbol(uint NameOffset, byte Info, byte Other, ushort SectionIndex, ulong Value, ulong Size)
{
    public const int Size64 = 24;

    public SymbolType Type => (SymbolType)(Info & 0xf);
    public SymbolBinding Binding => (SymbolBinding)(Info >> 4);
    public bool IsDefined => SectionIndex != Elf.SectionIndex.Undefined;

    public static ElfSymbol Read(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(b), b[4], b[5],
        BinaryPrimitives.ReadUInt16LittleEndian(b[6..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[16..]));

    public void WriteTo(Span<byte> b)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(b, NameOffset);
        b[4] = Info;
        b[5] = Other;
        BinaryPrimitives.WriteUInt16LittleEndian(b[6..], SectionIndex);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], Value);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], Size);
    }
}

/// <summary>A .symtab or .dynsym section with its string table; symbols decode on demand.</summary>
public sealed class SymbolTable
{
    private readonly ReadOnlyMemory<byte> _symbols;
    private readonly ReadOnlyMemory<byte> _strings;
    private readonly string _stringTableName;
    private readonly string _where;

    public ElfSection Section { get; }
    public int Count => _symbols.Length / ElfSymbol.Size64;

    private SymbolTable(ElfSection section, ReadOnlyMemory<byte> symbols, ReadOnlyMemory<byte> strings, string stringTableName)
    {
        Section = section;
        _symbols = symbols;
        _strings = strings;
        _stringTableName = stringTableName;
        _where = $"section {section}";
    }

    /// <summary>The symbol table called <paramref name="name"/>, or null when the file has none.</summary>
    public static SymbolTable? Find(ElfFile elf, string name)
    {
        var section = elf.FindSection(name);
        return section == null ? null : Read(elf, section);
    }

    public static SymbolTable Read(ElfFile elf, ElfSection section)
    {
        string where = $"section {section}";
        if (section.Header.Type is not (SectionType.SymTab or SectionType.DynSym))
            throw new InputFormatException(where, "is not a symbol table");
        if (section.Header.EntrySize != ElfSymbol.Size64 || section.Header.Size % ElfSymbol.Size64 != 0)
            throw new InputFormatException(where, $"entry size {section.Header.EntrySize} or size 0x{section.Header.Size:x} does not fit {ElfSymbol.Size64}-byte symbols");
        var strings = elf.GetSection((int)section.Header.Link, where);
        if (strings.Header.Type != SectionType.StrTab)
            throw new InputFormatException(where, $"linked section {strings} is not a string table");
        return new SymbolTable(section, elf.GetRawMemory(section), elf.GetRawMemory(strings), strings.Name);
    }

    public ElfSymbol this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
                throw new InputFormatException($"section {Section}", $"symbol index {index} out of range ({Count} symbols)");
            return ElfSymbol.Read(_symbols.Span.Slice(index * ElfSymbol.Size64, ElfSymbol.Size64));
        }
    }

    /// <summary>The name's bytes, checked but not decoded (no allocation).</summary>
    public ReadOnlySpan<byte> GetNameBytes(in ElfSymbol symbol) =>
        symbol.NameOffset == 0 ? [] : StringTable.ReadBytes(_strings.Span, symbol.NameOffset, _where, _stringTableName);

    public string GetName(in ElfSymbol symbol) =>
        symbol.NameOffset == 0 ? "" : StringTable.Read(_strings.Span, symbol.NameOffset, _where, _stringTableName);
}
