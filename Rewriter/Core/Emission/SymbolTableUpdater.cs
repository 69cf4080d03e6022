using System.Buffers.Binary;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Emission;

/// <summary>.symtab with moved functions' symbols at their new addresses and hot sizes.</summary>
public static class SymbolTableUpdater
{
    public static (int SectionIndex, byte[] Contents)? Update(ElfFile elf, EmittedCode code)
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
            if (symbol.Type is SymbolType.Func or SymbolType.GnuIFunc && code.MovedFunctionContaining(symbol.Value) is { } function
                && function.Address == symbol.Value)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], code.Functions[function.Id].HotSize);
                // The symbol now lives in the new .text, which is appended after every input section.
                BinaryPrimitives.WriteUInt16LittleEndian(entry[6..], (ushort)code.TextSectionIndex);
            }
        }
        return (symbols.Section.Index, contents);
    }
}
