using Iced.Intel;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Discovery;

public sealed record PltEntry(string Name, ulong Address, ulong Size, ElfSection Section);

/// <summary>
/// PLT entries as pseudo-functions named `symbol@PLT`: each entry's indirect jump reads a GOT slot,
/// and the dynamic relocation of that slot names the symbol.
/// </summary>
public static class PltDiscovery
{
    private const int EntrySize = 16;

    public static List<PltEntry> Discover(ElfFile elf)
    {
        var slotNames = GotSlotNames(elf);
        var entries = new List<PltEntry>();
        foreach (var section in elf.Sections.Where(s => s.Name is ".plt" or ".plt.sec" or ".plt.got" && s.Header.HasFileContents))
        {
            var bytes = elf.GetRawContents(section);
            // .plt starts with the resolver stub PLT0; .plt.sec and .plt.got have none.
            int first = section.Name == ".plt" ? EntrySize : 0;
            int stride = section.Name == ".plt.got" && section.Header.EntrySize is 8 or 16 ? (int)section.Header.EntrySize : EntrySize;
            for (int offset = first; offset + stride <= bytes.Length; offset += stride)
            {
                ulong address = section.Header.Address + (ulong)offset;
                if (FindGotSlot(bytes.Slice(offset, stride), address) is { } slot && slotNames.TryGetValue(slot, out var name))
                    entries.Add(new PltEntry($"{name}@PLT", address, (ulong)stride, section));
            }
        }
        // With IBT, .plt entries only jump to .plt.sec: calls go to .plt.sec, so keep one entry per name, the one called.
        return entries.GroupBy(e => e.Name).Select(g => g.OrderByDescending(e => e.Section.Name == ".plt.sec").First()).ToList();
    }

    /// <summary>The GOT slot read by the entry's indirect jump, if it has one.</summary>
    private static ulong? FindGotSlot(ReadOnlySpan<byte> code, ulong address)
    {
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(code.ToArray()), address);
        while (decoder.IP < address + (ulong)code.Length)
        {
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid)
                return null;
            if (instruction.FlowControl == FlowControl.IndirectBranch && instruction.IsIPRelativeMemoryOperand)
                return instruction.IPRelativeMemoryAddress;
            if (instruction.FlowControl is FlowControl.UnconditionalBranch or FlowControl.Return)
                return null;
        }
        return null;
    }

    private static Dictionary<ulong, string> GotSlotNames(ElfFile elf)
    {
        var names = new Dictionary<ulong, string>();
        var dynamicSymbols = SymbolTable.Find(elf, ".dynsym");
        if (dynamicSymbols == null)
            return names;
        foreach (var section in elf.Sections.Where(s => s.Header.Type == SectionType.Rela && s.Header.IsAllocated && s.Header.Link == dynamicSymbols.Section.Index))
        {
            var relocations = RelocationSection.Read(elf, section);
            for (int i = 0; i < relocations.Count; i++)
            {
                var relocation = relocations[i];
                if (relocation.Type is X86RelocationType.JumpSlot or X86RelocationType.GlobDat && relocation.SymbolIndex != 0)
                    names.TryAdd(relocation.Offset, dynamicSymbols.GetName(dynamicSymbols[(int)relocation.SymbolIndex]));
            }
        }
        return names;
    }
}
