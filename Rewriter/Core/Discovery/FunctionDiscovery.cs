using Rewriter.Diagnostics;
using Rewriter.Elf;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;
using Rewriter.Model;

namespace Rewriter.Discovery;

/// <summary>
/// Finds the functions of a linked program: function symbols, FDEs without a symbol, PLT entries;
/// ties GCC's cold fragments to their parents and records secondary entry points.
/// </summary>
public static class FunctionDiscovery
{
    private sealed class Candidate
    {
        public ulong Address;
        public ulong SymbolSize;
        public ElfSection Section = null!;
        public readonly List<(string Name, bool Local, string? File)> Symbols = [];
        public Fde? Fde;
        public bool FromFdeOnly;
    }

    public static BinaryContext Discover(ElfFile elf, Log log)
    {
        var eh = EhFrameReader.Read(elf);
        var candidates = new SortedDictionary<ulong, Candidate>();
        var innerSymbols = new List<(ulong Address, string Name)>();
        var symbolTable = SymbolTable.Find(elf, ".symtab") ?? SymbolTable.Find(elf, ".dynsym");

        if (symbolTable != null)
            CollectSymbols(elf, symbolTable, candidates);
        var fdeConflicts = AttachFdes(elf, eh, candidates);
        var functions = BuildFunctions(elf, candidates, fdeConflicts, log);
        AddPltEntries(elf, functions);
        functions.Sort((a, b) => a.Address.CompareTo(b.Address));
        var ordered = Renumber(functions);
        LinkColdFragments(elf, ordered);
        if (symbolTable != null)
            RecordSecondaryEntries(elf, symbolTable, ordered);

        return new BinaryContext
        {
            Elf = elf,
            Functions = ordered,
            EhFrame = eh,
            Relocations = RelocationIndex.Build(elf),
        };
    }

    private static void CollectSymbols(ElfFile elf, SymbolTable symbols, SortedDictionary<ulong, Candidate> candidates)
    {
        string? file = null;
        for (int i = 1; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            if (symbol.Type == SymbolType.File)
            {
                file = symbols.GetName(symbol);
                continue;
            }
            if (symbol.Type is not (SymbolType.Func or SymbolType.GnuIFunc) || !symbol.IsDefined || symbol.SectionIndex >= SectionIndex.LoReserve)
                continue;
            var section = elf.GetSection(symbol.SectionIndex, $"section {symbols.Section}: symbol {i}");
            if ((section.Header.Flags & SectionFlags.ExecInstr) == 0 || !section.Header.HasFileContents)
                continue;
            if (symbol.Value < section.Header.Address || symbol.Value >= section.Header.Address + section.Header.Size)
                continue;
            string name = symbols.GetName(symbol);
            if (!candidates.TryGetValue(symbol.Value, out var candidate))
                candidates[symbol.Value] = candidate = new Candidate { Address = symbol.Value, Section = section };
            candidate.SymbolSize = Math.Max(candidate.SymbolSize, symbol.Size);
            bool local = symbol.Binding == SymbolBinding.Local;
            candidate.Symbols.Add((name, local, local ? file : null));
        }
    }

    /// <summary>Attaches FDEs; an FDE with no symbol makes a function; one starting inside a function is a conflict.</summary>
    private static HashSet<ulong> AttachFdes(ElfFile elf, CallFrameTable? eh, SortedDictionary<ulong, Candidate> candidates)
    {
        var conflicts = new HashSet<ulong>();
        if (eh == null)
            return conflicts;
        var starts = candidates.Keys.ToArray();
        foreach (var fde in eh.Fdes)
        {
            if (fde.PcRange == 0)
                continue;
            if (candidates.TryGetValue(fde.PcBegin, out var existing))
            {
                if (existing.Fde != null)
                    conflicts.Add(existing.Address);
                existing.Fde ??= fde;
                continue;
            }
            int index = Array.BinarySearch(starts, fde.PcBegin);
            index = index < 0 ? ~index - 1 : index;
            if (index >= 0 && candidates[starts[index]] is var containing && fde.PcBegin < containing.Address + Math.Max(containing.SymbolSize, containing.Fde?.PcRange ?? 0))
            {
                conflicts.Add(containing.Address);
                continue;
            }
            var section = elf.Sections.FirstOrDefault(s => (s.Header.Flags & SectionFlags.ExecInstr) != 0 && s.Header.HasFileContents
                && fde.PcBegin >= s.Header.Address && fde.PcEnd <= s.Header.Address + s.Header.Size);
            if (section == null)
                continue;
            candidates[fde.PcBegin] = new Candidate { Address = fde.PcBegin, Section = section, Fde = fde, FromFdeOnly = true };
        }
        return conflicts;
    }

    private static List<BinaryFunction> BuildFunctions(ElfFile elf, SortedDictionary<ulong, Candidate> candidates, HashSet<ulong> fdeConflicts, Log log)
    {
        var list = candidates.Values.ToList();
        var localNameCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var functions = new List<BinaryFunction>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var candidate = list[i];
            ulong size = Math.Max(candidate.SymbolSize, candidate.Fde?.PcRange ?? 0);
            ulong sectionEnd = candidate.Section.Header.Address + candidate.Section.Header.Size;
            ulong next = i + 1 < list.Count && list[i + 1].Section == candidate.Section ? list[i + 1].Address : sectionEnd;
            // A zero-size symbol without an FDE (crt code, hand-written assembly) extends to the
            // next symbol; if that guess takes in data, decoding fails and it is kept whole.
            if (size == 0)
                size = next - candidate.Address;

            // Globals first so the primary name is the one other objects link against.
            var symbols = candidate.Symbols.OrderBy(s => s.Local).ToList();
            string name = symbols.Count > 0 ? symbols[0].Name : $"__fde_0x{candidate.Address:x}";
            var profileNames = new List<string>();
            foreach (var (symbolName, local, file) in symbols)
            {
                if (!local)
                {
                    profileNames.Add(symbolName);
                    continue;
                }
                // Local names are made unique the way BOLT's profiles spell them: name/N and name/file/N.
                int n = localNameCounts[symbolName] = localNameCounts.GetValueOrDefault(symbolName) + 1;
                profileNames.Add($"{symbolName}/{n}");
                if (file != null)
                {
                    string withFile = $"{symbolName}/{file}";
                    int m = localNameCounts[withFile] = localNameCounts.GetValueOrDefault(withFile) + 1;
                    profileNames.Add($"{withFile}/{m}");
                }
            }
            if (symbols.Count == 0)
                profileNames.Add(name);

            bool cold = symbols.Any(s => IsColdFragmentName(s.Name));
            var function = new BinaryFunction
            {
                Id = new FunctionId(functions.Count),
                Name = name,
                Names = symbols.Select(s => s.Name).Distinct().ToList(),
                ProfileNames = profileNames,
                Address = candidate.Address,
                Size = size,
                Section = candidate.Section,
                Kind = cold ? FunctionKind.ColdFragment : FunctionKind.Regular,
                Fde = candidate.Fde,
                IsLocal = symbols.Count > 0 && symbols.All(s => s.Local),
            };
            if (fdeConflicts.Contains(candidate.Address))
                function.MarkNonSimple("FDE conflict: more than one FDE, or an FDE starting inside the function");
            if (candidate.Fde is { } fde && fde.PcEnd > candidate.Address + size)
                function.MarkNonSimple("FDE extends past the function");
            if (candidate.Address + size > sectionEnd)
            {
                function.MarkNonSimple("extends past the end of its section");
            }
            functions.Add(function);
        }
        // Overlapping functions cannot be laid out independently.
        for (int i = 0; i + 1 < functions.Count; i++)
            if (functions[i].Section == functions[i + 1].Section && functions[i].End > functions[i + 1].Address)
            {
                functions[i].MarkNonSimple($"overlaps the next function {functions[i + 1].Name}");
                functions[i + 1].MarkNonSimple($"overlaps the previous function {functions[i].Name}");
            }
        log.Info($"discovered {functions.Count} functions from symbols and FDEs");
        return functions;
    }

    public static bool IsColdFragmentName(string name)
    {
        int index = name.LastIndexOf(".cold", StringComparison.Ordinal);
        if (index <= 0)
            return false;
        var rest = name.AsSpan(index + 5);
        return rest.IsEmpty || (rest[0] == '.' && rest.Length > 1 && rest[1..].IndexOfAnyExcept("0123456789") < 0);
    }

    private static void AddPltEntries(ElfFile elf, List<BinaryFunction> functions) =>
        functions.AddRange(PltDiscovery.Discover(elf).Select(entry => new BinaryFunction
        {
            Id = new FunctionId(-1),
            Name = entry.Name,
            Names = [entry.Name],
            ProfileNames = [entry.Name],
            Address = entry.Address,
            Size = entry.Size,
            Section = entry.Section,
            Kind = FunctionKind.Plt,
        }));

    /// <summary>Gives every function its index in address order.</summary>
    private static List<BinaryFunction> Renumber(List<BinaryFunction> functions)
    {
        var result = new List<BinaryFunction>(functions.Count);
        foreach (var f in functions)
        {
            var renumbered = new BinaryFunction
            {
                Id = new FunctionId(result.Count), Name = f.Name, Names = f.Names, ProfileNames = f.ProfileNames,
                Address = f.Address, Size = f.Size, Section = f.Section, Kind = f.Kind, Fde = f.Fde, IsLocal = f.IsLocal,
            };
            if (f.NonSimpleReason != null)
                renumbered.MarkNonSimple(f.NonSimpleReason);
            if (f.Kind == FunctionKind.Plt)
                renumbered.MarkNonSimple("PLT entry");
            result.Add(renumbered);
        }
        return result;
    }

    private static void LinkColdFragments(ElfFile elf, List<BinaryFunction> functions)
    {
        var byName = new Dictionary<string, BinaryFunction>(StringComparer.Ordinal);
        foreach (var function in functions.Where(f => f.Kind == FunctionKind.Regular))
            foreach (var name in function.Names)
                byName.TryAdd(name, function);
        foreach (var fragment in functions.Where(f => f.Kind == FunctionKind.ColdFragment))
        {
            string parentName = fragment.Name[..fragment.Name.LastIndexOf(".cold", StringComparison.Ordinal)];
            if (byName.TryGetValue(parentName, out var parent))
            {
                fragment.Parent = parent.Id;
                parent.Fragments.Add(fragment.Id);
            }
            // The parent jumps anywhere into the fragment, so the fragment is moved whole. Where the
            // fragment jumps back into the parent become entries of the parent, which is then laid out
            // like any other function. With exception tables in either part (landing pads in the
            // other one) both stay whole.
            fragment.MarkNonSimple("compiler-split cold fragment (moved whole)");
            if (parent == null)
                continue;
            var entries = fragment.Fde?.Lsda == null && parent.Fde?.Lsda == null ? ColdFragmentEntries.Find(elf, fragment, parent) : null;
            if (entries == null)
            {
                parent.MarkNonSimple($"has a compiler-split cold fragment {fragment.Name} (moved whole)");
                continue;
            }
            foreach (ulong entry in entries)
                if (!parent.SecondaryEntries.Contains(entry))
                    parent.SecondaryEntries.Add(entry);
        }
    }

    /// <summary>Function or global symbols inside a function (not at its start) are entry points too.</summary>
    private static void RecordSecondaryEntries(ElfFile elf, SymbolTable symbols, List<BinaryFunction> functions)
    {
        var starts = functions.Select(f => f.Address).ToArray();
        for (int i = 1; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            bool candidate = symbol.Type is SymbolType.Func or SymbolType.GnuIFunc
                || (symbol.Type == SymbolType.NoType && symbol.Binding != SymbolBinding.Local);
            if (!candidate || !symbol.IsDefined || symbol.SectionIndex >= SectionIndex.LoReserve)
                continue;
            int index = Array.BinarySearch(starts, symbol.Value);
            if (index >= 0)
                continue;
            index = ~index - 1;
            if (index < 0 || !functions[index].Contains(symbol.Value))
                continue;
            var function = functions[index];
            if (!function.SecondaryEntries.Contains(symbol.Value))
                function.SecondaryEntries.Add(symbol.Value);
            // Callers may enter here (unlike a cold fragment's way back, which only the fragment takes).
            function.MarkNonSimple($"secondary entry point {symbols.GetName(symbol)} at 0x{symbol.Value:x}");
        }
    }
}
