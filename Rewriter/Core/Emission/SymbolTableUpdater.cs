using System.Buffers.Binary;
using System.Text;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Emission;

/// <summary>
/// .symtab for the new layout: moved functions' symbols at their new addresses with their hot
/// sizes (functions rewritten in place keep theirs), and a local `name.cold.0` function symbol for every cold fragment (so profilers,
/// debuggers and valgrind can name that code), its name appended to .strtab.
/// </summary>
public static class SymbolTableUpdater
{
    /// <summary>The new .symtab (and, when symbols were added, .strtab and .symtab's new sh_info).</summary>
    public sealed record Result(int SymbolTableIndex, byte[] Symbols, uint FirstGlobal, int StringTableIndex, byte[]? Strings);

    public static Result? Update(ElfFile elf, EmittedCode code)
    {
        if (SymbolTable.Find(elf, ".symtab") is not { } symbols)
            return null;
        var contents = elf.GetRawContents(symbols.Section).ToArray();
        for (int i = 1; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            if (!symbol.IsDefined || symbol.Type is SymbolType.Section or SymbolType.File || !code.Map.TryTranslate(symbol.Value, out ulong moved))
                continue;
            var entry = contents.AsSpan(i * ElfSymbol.Size64, ElfSymbol.Size64);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], moved);
            if (!code.InPlace && symbol.Type is SymbolType.Func or SymbolType.GnuIFunc && code.MovedFunctionContaining(symbol.Value) is { } function
                && function.Address == symbol.Value)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], code.Functions[function.Id].HotSize);
                // The symbol now lives in the new .text, which is appended after every input section.
                BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], (ushort)code.TextSectionIndex);
            }
        }

        var header = symbols.Section.Header;
        var cold = code.MovedFunctions.Where(f => code.Functions[f.Id].IsSplit).ToList();
        // A symbol index section (SHT_SYMTAB_SHNDX) runs parallel to .symtab; leave both alone then.
        bool hasIndexSection = elf.Sections.Any(s => s.Header.Type == SectionType.SymTabShndx);
        // .strtab must not double as the section-name table, which the writer rebuilds itself.
        if (cold.Count == 0 || hasIndexSection || header.Info == 0 || header.Info > symbols.Count || header.Link == elf.SectionNameTableIndex)
            return new Result(symbols.Section.Index, contents, header.Info, (int)header.Link, null);

        // Local symbols must come before the first global one (sh_info). A cold symbol goes right
        // after its function's symbol when that one is local, so in the same STT_FILE group
        // (symbolizers name the source file of code without debug information from it); the others
        // after the last local symbol.
        var localSymbolAt = new Dictionary<ulong, int>();
        for (int i = 1; i < header.Info; i++)
            if (symbols[i] is { IsDefined: true, Type: SymbolType.Func or SymbolType.GnuIFunc } local)
                localSymbolAt.TryAdd(local.Value, i);
        var strings = elf.GetRawContents(elf.GetSection((int)header.Link, $"section {symbols.Section}"));
        var newStrings = new List<byte>(strings.ToArray());
        var coldAfter = new List<ElfSymbol>?[header.Info];
        foreach (var function in cold)
        {
            var placed = code.Functions[function.Id];
            uint name = (uint)newStrings.Count;
            newStrings.AddRange(Encoding.UTF8.GetBytes(function.Name + ".cold.0"));
            newStrings.Add(0);
            int after = localSymbolAt.GetValueOrDefault(function.Address, (int)header.Info - 1);
            (coldAfter[after] ??= []).Add(new ElfSymbol(name, (byte)((int)SymbolBinding.Local << 4 | (int)SymbolType.Func), 0,
                (ushort)code.ColdSectionIndex, placed.ColdStart, placed.ColdSize));
        }
        var table = new byte[contents.Length + cold.Count * ElfSymbol.Size64];
        int at = 0;
        for (int i = 0; i < header.Info; i++)
        {
            contents.AsSpan(i * ElfSymbol.Size64, ElfSymbol.Size64).CopyTo(table.AsSpan(at));
            at += ElfSymbol.Size64;
            foreach (var symbol in coldAfter[i] ?? [])
            {
                symbol.WriteTo(table.AsSpan(at, ElfSymbol.Size64));
                at += ElfSymbol.Size64;
            }
        }
        contents.AsSpan((int)header.Info * ElfSymbol.Size64).CopyTo(table.AsSpan(at));
        return new Result(symbols.Section.Index, table, header.Info + (uint)cold.Count, (int)header.Link, newStrings.ToArray());
    }
}
