using System.Buffers.Binary;

namespace Rewriter.Elf.Writing;

/// <summary>
/// From section indexes as a rewrite request names them (the input's, then the new allocated
/// sections, then the new non-allocated ones) to the output's, where dropped sections leave no
/// entry and the table is in address order. Applies the map to everything that holds a section
/// index: sh_link, sh_info of relocation sections, symbols' st_shndx and SHT_SYMTAB_SHNDX entries.
/// </summary>
public sealed class SectionIndexMap(int[] outputIndexes)
{
    /// <summary>Marks a request index whose section the output drops.</summary>
    public const int Dropped = -1;

    private const int SymbolSize = 24;
    private const int SymbolShndxOffset = 6;

    public int Count => outputIndexes.Length;

    /// <summary>The output index of request index <paramref name="index"/>, or <see cref="Dropped"/>.</summary>
    public int this[int index] => (uint)index < (uint)outputIndexes.Length ? outputIndexes[index] : Dropped;

    /// <summary>Whether any section keeps a different index.</summary>
    public bool IsIdentity => outputIndexes.Select((output, input) => output == input).All(same => same);

    /// <summary>A section reference (sh_link, say): 0 stays 0, a dropped target becomes 0.</summary>
    public uint MapLink(uint link) => link == 0 || this[(int)link] is var mapped && mapped == Dropped ? 0 : (uint)mapped;

    /// <summary>
    /// A symbol's st_shndx: reserved values (undefined, absolute, common, extended) stay; a
    /// symbol of a dropped section becomes absolute, keeping its value (it names no code or data
    /// of the output).
    /// </summary>
    public ushort MapSymbolIndex(ushort index)
    {
        if (index == SectionIndex.Undefined || index >= SectionIndex.LoReserve)
            return index;
        int mapped = this[index];
        return mapped == Dropped ? SectionIndex.Abs : mapped >= SectionIndex.LoReserve ? SectionIndex.XIndex : (ushort)mapped;
    }

    /// <summary>
    /// Rewrites the st_shndx of every symbol in a symbol table's bytes. With
    /// <paramref name="dropSectionSymbols"/> the section symbols (STT_SECTION) of dropped sections
    /// go, as llvm-objcopy removes them, and <paramref name="firstGlobal"/> (sh_info) follows.
    /// </summary>
    public (byte[] Symbols, uint FirstGlobal) MapSymbols(ReadOnlySpan<byte> symbols, uint firstGlobal, bool dropSectionSymbols)
    {
        var mapped = new List<byte>(symbols.Length);
        uint removedLocals = 0;
        Span<byte> entry = stackalloc byte[SymbolSize];
        for (int offset = 0, index = 0; offset + SymbolSize <= symbols.Length; offset += SymbolSize, index++)
        {
            symbols.Slice(offset, SymbolSize).CopyTo(entry);
            ushort section = BinaryPrimitives.ReadUInt16LittleEndian(entry[SymbolShndxOffset..]);
            bool isSectionSymbol = (entry[4] & 0xf) == SymbolTypeSection;
            if (dropSectionSymbols && index > 0 && isSectionSymbol && section is > SectionIndex.Undefined and < SectionIndex.LoReserve
                && this[section] == Dropped)
            {
                if (index < firstGlobal)
                    removedLocals++;
                continue;
            }
            BinaryPrimitives.WriteUInt16LittleEndian(entry[SymbolShndxOffset..], MapSymbolIndex(section));
            mapped.AddRange(entry);
        }
        mapped.AddRange(symbols[(symbols.Length - symbols.Length % SymbolSize)..]);
        return ([.. mapped], firstGlobal - removedLocals);
    }

    private const int SymbolTypeSection = 3;

    /// <summary>Two-byte patches for the symbols of an allocated table (.dynsym) whose st_shndx changes.</summary>
    public IEnumerable<ImagePatch> SymbolPatches(ReadOnlySpan<byte> symbols, ulong fileOffset)
    {
        var patches = new List<ImagePatch>();
        for (int entry = 0; entry + SymbolSize <= symbols.Length; entry += SymbolSize)
        {
            ushort before = BinaryPrimitives.ReadUInt16LittleEndian(symbols[(entry + SymbolShndxOffset)..]);
            ushort after = MapSymbolIndex(before);
            if (after == before)
                continue;
            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, after);
            patches.Add(new ImagePatch(fileOffset + (ulong)(entry + SymbolShndxOffset), bytes));
        }
        return patches;
    }

    /// <summary>Rewrites an SHT_SYMTAB_SHNDX table (one 32-bit section index per symbol; 0 where unused).</summary>
    public byte[] MapExtendedIndexes(ReadOnlySpan<byte> table)
    {
        byte[] mapped = table.ToArray();
        for (int entry = 0; entry + 4 <= mapped.Length; entry += 4)
        {
            uint index = BinaryPrimitives.ReadUInt32LittleEndian(mapped.AsSpan(entry));
            if (index != 0)
                BinaryPrimitives.WriteUInt32LittleEndian(mapped.AsSpan(entry), this[(int)index] is var m && m == Dropped ? 0 : (uint)m);
        }
        return mapped;
    }
}
