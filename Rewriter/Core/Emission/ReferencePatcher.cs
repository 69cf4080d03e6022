using System.Buffers.Binary;
using Rewriter.Elf;
using Rewriter.Elf.Reading;
using Rewriter.Elf.Writing;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Points everything that stays in the original image at the moved code: jump-table entries,
/// pointers in data (and their dynamic relocations), calls and jumps from code that did not
/// move (<see cref="StayingCodeReferences"/> for those no relocation describes), dynamic symbols,
/// DT_INIT/DT_FINI. A `jmp` to the new place is also written at each moved
/// function's old entry, for references no relocation tells us about (GOT slots of fixed
/// executables, say).
/// </summary>
public static class ReferencePatcher
{
    public sealed record Result(List<ImagePatch> Patches, ulong Entry, int StubCount, int StayingCodeReferences);

    public static Result Patch(BinaryContext context, EmittedCode code)
    {
        var elf = context.Elf;
        var patches = new Dictionary<ulong, ImagePatch>(); // by file offset: one patch per place
        void Write(ulong address, byte[] bytes)
        {
            if (FileOffset(elf, address) is { } offset)
                patches[offset] = new ImagePatch(offset, bytes);
        }

        PatchJumpTables(context, code, Write);
        PatchRelocatedReferences(context, code, Write);
        // After the relocated references: where both name one field, the decoded operand knows best.
        int staying = StayingCodeReferences.Patch(context, code, Write);
        PatchDynamicRelocations(context, code, patches);
        PatchDynamicSymbols(context, code, patches);
        PatchDynamicSection(context, code, patches);
        int stubs = WriteEntryStubs(code, Write);

        var ordered = patches.Values.OrderBy(p => p.Offset).ToList();
        return new Result(ordered, code.Relocate(elf.Header.Entry), stubs, staying);
    }

    /// <summary>
    /// Non-relocation mode: functions keep their entries, so only what names addresses inside the
    /// rewritten functions changes — their jump-table entries, and the dynamic relocations of
    /// absolute tables in position-independent code.
    /// </summary>
    public static List<ImagePatch> PatchInPlace(BinaryContext context, EmittedCode code)
    {
        var patches = new Dictionary<ulong, ImagePatch>();
        PatchJumpTables(context, code, (address, bytes) =>
        {
            if (FileOffset(context.Elf, address) is { } offset)
                patches[offset] = new ImagePatch(offset, bytes);
        });
        PatchDynamicRelocations(context, code, patches);
        return patches.Values.OrderBy(p => p.Offset).ToList();
    }

    private static void PatchJumpTables(BinaryContext context, EmittedCode code, Action<ulong, byte[]> write)
    {
        foreach (var function in code.MovedFunctions)
            foreach (var table in function.Body!.JumpTables)
                for (int k = 0; k < table.Targets.Count; k++)
                {
                    ulong entry = table.Address + (ulong)(k * table.EntrySize);
                    ulong target = code.Relocate(table.Targets[k]);
                    write(entry, table.Kind == JumpTableKind.Absolute
                        ? U64(target)
                        : I32(checked((int)((long)target - (long)table.Address))));
                }
    }

    /// <summary>Static relocations (kept by --emit-relocs) in data and in code that did not move.</summary>
    private static void PatchRelocatedReferences(BinaryContext context, EmittedCode code, Action<ulong, byte[]> write)
    {
        var skip = new[] { ".eh_frame", ".eh_frame_hdr", ".gcc_except_table" }
            .Select(context.Elf.FindSection).OfType<ElfSection>().ToList();
        foreach (var relocation in context.Relocations.InRange(0, ulong.MaxValue))
        {
            ulong place = relocation.Address;
            if (code.MovedFunctionContaining(place) != null || skip.Any(s => Contains(s, place)))
                continue;
            switch (relocation.Type)
            {
                case X86RelocationType.R64 when IsMovedInstruction(code, relocation.Value):
                    write(place, U64(code.Relocate(relocation.Value)));
                    break;
                case X86RelocationType.R32 or X86RelocationType.R32S when IsMovedInstruction(code, relocation.Value):
                    write(place, I32((int)code.Relocate(relocation.Value)));
                    break;
                case X86RelocationType.Pc32 or X86RelocationType.Plt32:
                    // A displacement at the end of an instruction: the target is S + A + 4.
                    ulong target = relocation.Value + 4;
                    if (IsMovedInstruction(code, target) && IsInCode(context, place))
                        write(place, I32(checked((int)((long)code.Relocate(target) - (long)(place + 4)))));
                    break;
            }
        }
    }

    /// <summary>R_X86_64_RELATIVE / IRELATIVE addends naming moved code (PIE and shared objects).</summary>
    private static void PatchDynamicRelocations(BinaryContext context, EmittedCode code, Dictionary<ulong, ImagePatch> patches)
    {
        var elf = context.Elf;
        foreach (var section in elf.Sections.Where(s => s.Header.Type == SectionType.Rela && s.Header.IsAllocated))
        {
            var relocations = RelocationSection.Read(elf, section);
            for (int i = 0; i < relocations.Count; i++)
            {
                var relocation = relocations[i];
                if (relocation.Type is not (X86RelocationType.Relative or X86RelocationType.IRelative))
                    continue;
                ulong addend = (ulong)relocation.Addend;
                if (!IsMovedInstruction(code, addend) || code.Relocate(addend) == addend)
                    continue; // (an entry rewritten in place names the same address)
                ulong offset = section.Header.Offset + (ulong)(i * Relocation.Size64) + 16;
                patches[offset] = new ImagePatch(offset, U64(code.Relocate(addend)));
                // The word in place matters too where the addend is also stored there.
                if (FileOffset(elf, relocation.Offset) is { } inPlace && !patches.ContainsKey(inPlace))
                    patches[inPlace] = new ImagePatch(inPlace, U64(code.Relocate(addend)));
            }
        }
        foreach (var section in elf.Sections.Where(s => s.Header.Type == SectionType.Relr))
            foreach (ulong address in RelrDecoder.Decode(elf.GetRawContents(section), $"section {section}"))
                if (FileOffset(elf, address) is { } offset && offset + 8 <= (ulong)elf.Length)
                {
                    ulong value = BinaryPrimitives.ReadUInt64LittleEndian(elf.Image[(int)offset..]);
                    if (IsMovedInstruction(code, value))
                        patches[offset] = new ImagePatch(offset, U64(code.Relocate(value)));
                }
    }

    private static void PatchDynamicSymbols(BinaryContext context, EmittedCode code, Dictionary<ulong, ImagePatch> patches)
    {
        if (SymbolTable.Find(context.Elf, ".dynsym") is not { } symbols)
            return;
        for (int i = 1; i < symbols.Count; i++)
        {
            var symbol = symbols[i];
            if (symbol.IsDefined && symbol.Type is SymbolType.Func or SymbolType.GnuIFunc && IsMovedInstruction(code, symbol.Value))
            {
                ulong offset = symbols.Section.Header.Offset + (ulong)(i * ElfSymbol.Size64) + 8;
                patches[offset] = new ImagePatch(offset, U64(code.Relocate(symbol.Value)));
            }
        }
    }

    private static void PatchDynamicSection(BinaryContext context, EmittedCode code, Dictionary<ulong, ImagePatch> patches)
    {
        var dynamic = context.Elf.Sections.FirstOrDefault(s => s.Header.Type == SectionType.Dynamic);
        if (dynamic == null)
            return;
        var bytes = context.Elf.GetRawContents(dynamic);
        for (int i = 0; i + 16 <= bytes.Length; i += 16)
        {
            var tag = (DynamicTag)BinaryPrimitives.ReadInt64LittleEndian(bytes[i..]);
            if (tag == DynamicTag.Null)
                break;
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i + 8)..]);
            if (tag is DynamicTag.Init or DynamicTag.Fini && IsMovedInstruction(code, value))
            {
                ulong offset = dynamic.Header.Offset + (ulong)i + 8;
                patches[offset] = new ImagePatch(offset, U64(code.Relocate(value)));
            }
        }
    }

    /// <summary>`jmp rel32` to the new place at each moved function's old entry (when it has room for one).</summary>
    private static int WriteEntryStubs(EmittedCode code, Action<ulong, byte[]> write)
    {
        int count = 0;
        foreach (var function in code.MovedFunctions)
        {
            if (function.Size < 5)
                continue;
            ulong target = code.Functions[function.Id].HotStart;
            var stub = new byte[5];
            stub[0] = 0xE9;
            BinaryPrimitives.WriteInt32LittleEndian(stub.AsSpan(1), checked((int)((long)target - (long)(function.Address + 5))));
            write(function.Address, stub);
            count++;
        }
        return count;
    }

    private static bool IsMovedInstruction(EmittedCode code, ulong address) => code.Map.TryTranslate(address, out _);

    private static bool IsInCode(BinaryContext context, ulong address) =>
        context.Elf.Sections.Any(s => (s.Header.Flags & SectionFlags.ExecInstr) != 0 && Contains(s, address));

    private static bool Contains(ElfSection section, ulong address) =>
        section.Header.IsAllocated && address >= section.Header.Address && address < section.Header.Address + section.Header.Size;

    /// <summary>The file offset holding <paramref name="address"/>, if a loaded segment maps it from the file.</summary>
    public static ulong? FileOffset(ElfFile elf, ulong address)
    {
        foreach (var segment in elf.Segments)
            if (segment.Type == SegmentType.Load && address >= segment.VirtualAddress && address < segment.VirtualAddress + segment.FileSize)
                return segment.Offset + (address - segment.VirtualAddress);
        return null;
    }

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] I32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }
}
