using Rewriter.Common;
using Rewriter.Elf;
using Rewriter.Elf.Reading;

namespace Rewriter.Model;

/// <summary>One static relocation of the linked image: where it patches, its type, and S + A.</summary>
public readonly record struct ResolvedRelocation(ulong Address, X86RelocationType Type, ulong Value, uint Symbol);

/// <summary>
/// The static relocations kept by --emit-relocs, sorted by the address they patch, for lookups
/// such as "which relocations fall inside this instruction" or "inside this table".
/// </summary>
public sealed class RelocationIndex
{
    private readonly ResolvedRelocation[] _relocations;

    public static RelocationIndex Empty { get; } = new([]);

    private RelocationIndex(ResolvedRelocation[] relocations) => _relocations = relocations;

    public int Count => _relocations.Length;

    public static RelocationIndex Build(ElfFile elf)
    {
        var symbols = SymbolTable.Find(elf, ".symtab");
        var list = new List<ResolvedRelocation>();
        foreach (var section in elf.Sections.Where(s => s.Header.Type == SectionType.Rela))
        {
            var relocations = RelocationSection.Read(elf, section);
            // Only static relocations against allocated sections; the dynamic ones live in .rela.dyn/.rela.plt.
            if (relocations.Target is not { } target || !target.Header.IsAllocated || section.Header.IsAllocated || symbols == null)
                continue;
            if (section.Header.Link != symbols.Section.Index)
                continue;
            for (int i = 0; i < relocations.Count; i++)
            {
                var relocation = relocations[i];
                ulong symbolValue = relocation.SymbolIndex == 0 ? 0 : symbols[(int)relocation.SymbolIndex].Value;
                list.Add(new ResolvedRelocation(relocation.Offset, relocation.Type, symbolValue + (ulong)relocation.Addend, relocation.SymbolIndex));
            }
        }
        var array = list.ToArray();
        Array.Sort(array, (a, b) => a.Address.CompareTo(b.Address));
        return new RelocationIndex(array);
    }

    /// <summary>The relocations patching bytes in [start, end).</summary>
    public ReadOnlySpan<ResolvedRelocation> InRange(ulong start, ulong end)
    {
        int first = LowerBound(start);
        int last = LowerBound(end);
        return _relocations.AsSpan(first, last - first);
    }

    public bool TryGetAt(ulong address, out ResolvedRelocation relocation)
    {
        int index = LowerBound(address);
        if (index < _relocations.Length && _relocations[index].Address == address)
        {
            relocation = _relocations[index];
            return true;
        }
        relocation = default;
        return false;
    }

    private int LowerBound(ulong address) =>
        SortedSearch.LowerBound<ResolvedRelocation, ulong>(_relocations, address, static (in ResolvedRelocation r) => r.Address);
}
