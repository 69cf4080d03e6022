using Iced.Intel;
using Rewriter.Disassembly;
using Rewriter.Elf;
using Rewriter.Elf.Reading;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Non-relocation mode: how many bytes a function rewritten in place may use. Compilers and
/// linkers pad functions to an alignment boundary, so a function owns its symbol's size plus the
/// padding after it, up to the next symbol (of any kind), function or its section's end — as
/// long as those bytes really are padding (nops, int3 or zeros) that nothing else can be.
/// </summary>
public static class InPlaceRoom
{
    /// <summary>The room of each function, by function id: at least its size.</summary>
    public static ulong[] Compute(BinaryContext context, IEnumerable<BinaryFunction> functions)
    {
        var boundaries = Boundaries(context);
        var room = new ulong[context.Functions.Count];
        foreach (var function in functions)
        {
            room[function.Id.Value] = function.Size;
            int next = boundaries.BinarySearch(function.End);
            next = next >= 0 ? next : ~next;
            ulong limit = function.Section.Header.Address + function.Section.Header.Size;
            if (next < boundaries.Count)
                limit = Math.Min(limit, boundaries[next]);
            if (limit > function.End && IsPadding(context, function, limit))
                room[function.Id.Value] = limit - function.Address;
        }
        return room;
    }

    /// <summary>Every address at which something named starts: functions, secondary entries, symbols.</summary>
    private static List<ulong> Boundaries(BinaryContext context)
    {
        var addresses = new SortedSet<ulong>();
        foreach (var function in context.Functions)
        {
            addresses.Add(function.Address);
            foreach (ulong entry in function.SecondaryEntries)
                addresses.Add(entry);
        }
        foreach (var name in new[] { ".symtab", ".dynsym" })
            if (SymbolTable.Find(context.Elf, name) is { } symbols)
                for (int i = 1; i < symbols.Count; i++)
                    if (symbols[i] is { IsDefined: true } symbol && symbol.SectionIndex < SectionIndex.LoReserve && symbol.Type != SymbolType.Section)
                        addresses.Add(symbol.Value);
        return addresses.ToList();
    }

    /// <summary>True when the bytes from the function's end to <paramref name="limit"/> are nops, int3 or zeros.</summary>
    private static bool IsPadding(BinaryContext context, BinaryFunction function, ulong limit)
    {
        var section = function.Section.Header;
        if (!section.HasFileContents)
            return false;
        var bytes = context.Elf.ImageMemory.Slice((int)(section.Offset + (function.End - section.Address)), (int)(limit - function.End));
        if (!bytes.Span.ContainsAnyExcept((byte)0))
            return true;
        var decoder = Decoder.Create(64, new MemoryCodeReader(bytes), function.End, DecoderOptions.None);
        while (decoder.IP < limit)
        {
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid || instruction.NextIP > limit || instruction.Mnemonic is not (Mnemonic.Nop or Mnemonic.Int3))
                return false;
        }
        return true;
    }
}
