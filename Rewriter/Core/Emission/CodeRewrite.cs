using Rewriter.Diagnostics;
using Rewriter.Elf;
using Rewriter.Elf.Writing;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Turns layout decisions into everything the ELF writer needs: the new code in a new segment
/// (.text hot, .text.cold), patches to the original image, an updated .symtab, the address map
/// note, and the removal of sections the move made stale. With static relocations in the input
/// every simple function moves (<see cref="CodeEmitter"/>); without them functions are rewritten
/// in place (<see cref="InPlaceEmitter"/>) and only their cold fragments go to the new segment.
/// </summary>
public static class CodeRewrite
{
    public sealed record Result(ElfRewriteRequest Request, EmittedCode Code);

    public static Result Build(BinaryContext context, BinaryLayout layout, EmissionOptions options, bool keepDebugSections, Log log,
        PhaseTimer? timer = null)
    {
        T Step<T>(string name, Func<T> step) => timer != null ? timer.MeasureNested(name, step) : step();
        var elf = context.Elf;
        var segment = NewSegmentLayout.Plan(elf);
        ulong textAddress = NewSegmentLayout.AlignUp(segment.FirstFreeAddress, 64);
        EmittedCode code;
        List<ImagePatch> patches;
        ulong? entry = null;
        var newSections = new List<NewSection>();
        var renamed = new Dictionary<int, string>();
        if (context.HasRelocations)
        {
            // Non-simple functions are copied whole, each at its place in the function order:
            // emission places them among the others, then they are copied against the result.
            var whole = WholeFunctionMover.Choose(context, layout, log);
            var wholeStarts = new Dictionary<FunctionId, ulong>();
            code = Step("encode code", () => CodeEmitter.Emit(context, layout, textAddress, options, log, whole, wholeStarts));
            if (whole.Count > 0)
            {
                var encoded = code;
                code = Step("copy non-simple functions", () => WholeFunctionMover.AddCopies(context, encoded, whole, wholeStarts, textAddress));
            }
            var patched = Step("patch references", () => ReferencePatcher.Patch(context, code));
            log.Info($"patched {patched.Patches.Count} references in the original image ({patched.StayingCodeReferences} operands of code that stays), {patched.StubCount} old entries jump to the new code");
            (patches, entry) = (patched.Patches, patched.Entry);
            newSections.Add(new(".text", SectionType.ProgBits, SectionFlags.Alloc | SectionFlags.ExecInstr, code.TextAddress, 64, code.Text));
            if (elf.FindSection(".text") is { } oldText)
                renamed[oldText.Index] = ".rewriter.org.text";
        }
        else
        {
            // Functions keep their addresses; .text keeps its name and its place.
            var inPlace = Step("encode code in place", () => InPlaceEmitter.Emit(context, layout, textAddress, log));
            code = inPlace.Code;
            if (code.MovedFunctions.Count == 0)
                return new Result(new ElfRewriteRequest(), code); // nothing changed: the identity rewrite, debug sections still true
            var references = Step("patch references", () => ReferencePatcher.PatchInPlace(context, code));
            log.Info($"patched {references.Count} jump-table entries and dynamic relocations naming rewritten code");
            patches = [.. inPlace.CodePatches, .. references];
            patches.Sort((a, b) => a.Offset.CompareTo(b.Offset));
        }
        code.TextSectionIndex = elf.Sections.Count; // the first section added
        if (code.Cold.Length > 0)
            newSections.Add(new NewSection(".text.cold", SectionType.ProgBits, SectionFlags.Alloc | SectionFlags.ExecInstr, code.ColdAddress, 16, code.Cold));

        var updatedSegments = new Dictionary<int, ProgramHeader>();
        ulong codeEnd = Math.Max(code.TextAddress + (ulong)code.Text.Length, code.ColdAddress + (ulong)code.Cold.Length);
        if (Step("exception frames", () => ExceptionFrames.Build(context, code, NewSegmentLayout.AlignUp(codeEnd, 8))) is { } frames)
        {
            if (frames.ExceptTable != null)
                newSections.Add(frames.ExceptTable);
            newSections.Add(frames.EhFrame);
            newSections.Add(frames.EhFrameHeader);
            foreach (var name in new[] { ".eh_frame", ".eh_frame_hdr", ".gcc_except_table" })
                if (elf.FindSection(name) is { } old)
                    renamed[old.Index] = ".rewriter.org" + name;
            var header = frames.EhFrameHeader;
            for (int i = 0; i < elf.Segments.Count; i++)
                if (elf.Segments[i].Type == SegmentType.GnuEhFrame)
                    updatedSegments[i] = elf.Segments[i] with
                    {
                        Offset = segment.Offset + (header.Address - segment.Address), VirtualAddress = header.Address,
                        PhysicalAddress = header.Address, FileSize = (ulong)header.Contents.Length, MemorySize = (ulong)header.Contents.Length,
                    };
        }

        var replaced = new Dictionary<int, SectionReplacement>();
        if (Step("symbol table", () => SymbolTableUpdater.Update(elf, code)) is { } symtab)
        {
            replaced[symtab.SymbolTableIndex] = new SectionReplacement(symtab.Symbols, info: symtab.FirstGlobal);
            if (symtab.Strings != null)
                replaced[symtab.StringTableIndex] = new SectionReplacement(symtab.Strings);
        }

        var removed = StaleSections(context, keepDebugSections, log);

        var request = new ElfRewriteRequest
        {
            NewSections = newSections,
            Patches = patches,
            NewEntry = entry,
            ReplacedSections = replaced,
            RemovedSections = removed,
            RenamedSections = renamed,
            UpdatedSegments = updatedSegments,
            NewNonAllocatedSections = [new NewSection(AddressMap.SectionName, SectionType.Note, SectionFlags.None, 0, 4, Step("address map note", code.Map.ToNote))],
        };
        return new Result(request, code);
    }



    /// <summary>
    /// Static relocation sections describe the old code, so they go. Debug sections go too unless
    /// the debug update keeps them true (llvm-bolt drops them the same way). An input rewritten
    /// before has an address map of that rewrite: this output's own replaces it (two would leave
    /// readers such as verify-debug the stale one).
    /// </summary>
    private static HashSet<int> StaleSections(BinaryContext context, bool keepDebugSections, Log log)
    {
        var removed = new HashSet<int>();
        bool droppedDebug = false;
        foreach (var section in context.Elf.Sections)
        {
            if (section.Header.IsAllocated || section.Index == 0)
                continue;
            bool staticRelocations = section.Header.Type is SectionType.Rela or SectionType.Rel;
            bool debug = section.Name.StartsWith(".debug_", StringComparison.Ordinal) || section.Name == ".gdb_index";
            if (staticRelocations || (debug && !keepDebugSections) || section.Name == AddressMap.SectionName)
                removed.Add(section.Index);
            droppedDebug |= debug && !keepDebugSections;
        }
        if (droppedDebug)
            log.Warning("code moved, so the debug sections are dropped (they would describe the old code); --update-debug-sections keeps them true");
        return removed;
    }
}
