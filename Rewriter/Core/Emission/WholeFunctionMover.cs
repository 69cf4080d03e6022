using System.Buffers.Binary;
using Iced.Intel;
using Rewriter.Diagnostics;
using Rewriter.Elf;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Writing;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Relocation mode moves non-simple functions too, as llvm-bolt does: their code is copied byte
/// for byte into the new .text at their place in the function order (<see cref="CodeEmitter"/>
/// places them; every offset inside stays the same), and only the
/// fields naming code or data outside the function are rewritten. The original copy stays
/// intact behind its entry stub, with its FDE, so a jump whose target the analysis could not see
/// (the reason the function is non-simple) still lands on valid code that can unwind.
/// </summary>
public static class WholeFunctionMover
{
    /// <summary>A copy's start is aligned as the compilers align functions.</summary>
    public const ulong Alignment = 16;

    /// <summary>A non-simple function that can be copied: decoded, in .text, with an FDE (if any) that is exactly its range and position-independent CFI.</summary>
    public static bool CanMove(BinaryContext context, BinaryFunction function, out string? why)
    {
        why = null;
        if (function.IsSkipped || function.NonSimpleReason == null || function.Kind == FunctionKind.Plt)
            return false;
        if (function.Body is not { Instructions.Length: > 0 } body || function.Section.Name != ".text")
            why = "not decoded, or not in .text";
        else if (function.Fde is { Lsda: not null } && function.Lsda == null)
            why = "its LSDA cannot be read, so a copy could not be given call sites that unwind the same way";
        else if (body.Instructions[^1].NextIP != function.End)
            why = "its instructions do not cover it to its end";
        else if (function.Fde is { } fde && (fde.PcBegin != function.Address || fde.PcEnd != function.End || HasAbsoluteLocation(context, fde)))
            why = "its FDE does not match its range, or its CFI names absolute addresses";
        else
            for (int i = 0; i < body.Instructions.Length && why == null; i++)
            {
                var instruction = body.Instructions[i];
                // A short jump out of the function cannot reach its target from the new place.
                if (instruction.Op0Kind == OpKind.NearBranch64 && !function.Contains(instruction.NearBranchTarget) && IsShortBranch(instruction))
                    why = $"short jump out of the function at 0x{instruction.IP:x}";
            }
        return why == null;
    }

    /// <summary>The non-simple functions to copy whole, in layout order; -v says why the others stay.</summary>
    public static List<BinaryFunction> Choose(BinaryContext context, BinaryLayout layout, Log log)
    {
        var whole = new List<BinaryFunction>();
        foreach (var id in layout.FunctionOrder)
        {
            var function = context.Functions[id.Value];
            if (CanMove(context, function, out string? why))
                whole.Add(function);
            else if (why != null)
                log.Info($"non-simple function {function.Name} stays in place: {why}");
        }
        if (whole.Count > 0)
            log.Info($"copying {whole.Count} non-simple functions whole");
        return whole;
    }

    /// <summary>The emitted code with the whole copies at their places (<paramref name="starts"/>), in the map, and among the moved functions.</summary>
    public static EmittedCode AddCopies(BinaryContext context, EmittedCode code, List<BinaryFunction> whole,
        Dictionary<FunctionId, ulong> starts, ulong textAddress)
    {
        ulong Relocate(ulong address) =>
            context.FunctionContaining(address) is { } target && starts.TryGetValue(target.Id, out ulong start)
                ? start + (address - target.Address)
                : code.Relocate(address);

        ulong end = code.TextAddress + (ulong)code.Text.Length;
        foreach (var function in whole)
            end = Math.Max(end, starts[function.Id] + function.Size);
        var text = CodeBytes.Padded(end - textAddress);
        code.Text.CopyTo(text, (int)(code.TextAddress - textAddress));
        var functions = new Dictionary<FunctionId, EmittedFunction>(code.Functions);
        var fragments = new List<FragmentPlacement>(code.Map.Fragments);
        var map = new MapEntries(code.Map.Count + whole.Sum(f => f.Body!.Instructions.Length));
        map.AddFrom(code.Map);
        foreach (var function in whole)
        {
            ulong start = starts[function.Id];
            Copy(context, function, start, Relocate).CopyTo(text, (int)(start - textAddress));
            var instructions = Instructions(function, start);
            foreach (var instruction in function.Body!.Instructions)
            {
                ulong output = start + (instruction.IP - function.Address);
                map.Add(instruction.IP, output, output + (ulong)instruction.Length);
            }
            functions[function.Id] = new EmittedFunction(function.Id, start, function.Size, 0, 0, instructions, []);
            fragments.Add(new FragmentPlacement(function.Name, function.Address, function.End, start, function.Size, false));
        }
        return new EmittedCode
        {
            TextAddress = textAddress, Text = text, ColdAddress = code.ColdAddress, Cold = code.Cold, Functions = functions,
            Map = map.ToMap(fragments),
            MovedFunctions = code.MovedFunctions.Concat(whole).OrderBy(f => f.Address).ToList(),
            CopiedWhole = whole.Select(f => f.Id).ToHashSet(),
        };
    }

    /// <summary>
    /// The function's bytes for <paramref name="start"/>: PC-relative operands naming places outside
    /// it re-encoded for their (relocated) targets, absolute ones rewritten through their relocations.
    /// </summary>
    public static byte[] Copy(BinaryContext context, BinaryFunction function, ulong start, Func<ulong, ulong> relocate)
    {
        var bytes = context.Elf.GetRawContents(function.Section)
            .Slice((int)(function.Address - function.Section.Header.Address), (int)function.Size).ToArray();
        var writer = new ByteWriter(16);
        var encoder = Encoder.Create(64, writer);
        foreach (var original in function.Body!.Instructions)
        {
            ulong target = original.Op0Kind == OpKind.NearBranch64 ? original.NearBranchTarget
                : original.IsIPRelativeMemoryOperand ? original.IPRelativeMemoryAddress : ulong.MaxValue;
            if (target == ulong.MaxValue || function.Contains(target))
                continue; // no PC-relative reference, or one that moves along with the instruction
            ulong moved = relocate(target);
            var instruction = original;
            if (instruction.Op0Kind == OpKind.NearBranch64)
                instruction.NearBranch64 = moved;
            else
                instruction.MemoryDisplacement64 = moved;
            ulong ip = start + (original.IP - function.Address);
            writer.Reset();
            if (!encoder.TryEncode(instruction, ip, out uint length, out string? error) || length != original.Length)
                throw new InvalidOperationException($"cannot re-encode {original} of {function.Name} at 0x{ip:x}: {error ?? "its length changed"}");
            writer.Written.CopyTo(bytes.AsSpan((int)(original.IP - function.Address)));
        }
        foreach (var relocation in context.Relocations.InRange(function.Address, function.End))
        {
            int at = (int)(relocation.Address - function.Address);
            ulong moved = relocate(relocation.Value);
            if (moved == relocation.Value)
                continue;
            if (relocation.Type == X86RelocationType.R64)
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), moved);
            else if (relocation.Type is X86RelocationType.R32 or X86RelocationType.R32S)
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), checked((uint)moved));
        }
        return bytes;
    }

    /// <summary>Every instruction of the copy at its new address; each carries its own CFI state and call site.</summary>
    public static List<EmittedInstruction> Instructions(BinaryFunction function, ulong start) =>
        function.Body!.Instructions.Select(i => new EmittedInstruction(start + (i.IP - function.Address), i.IP)).ToList();

    /// <summary>DW_CFA_set_loc names an absolute address, which would be wrong for the copy.</summary>
    private static bool HasAbsoluteLocation(BinaryContext context, Fde fde)
    {
        if (context.Elf.FindSection(".eh_frame") is not { } section)
            return true;
        var data = context.Elf.GetRawContents(section);
        try
        {
            var reader = new CfiInstructionReader(data, fde.InstructionsOffset, fde.InstructionsLength, section.Name, CfiEncoding.Of(fde.Cie), section.Header.Address);
            while (reader.TryRead(out var instruction))
                if (instruction.Kind == CfiInstructionKind.SetLoc)
                    return true;
            return false;
        }
        catch (InputFormatException)
        {
            return true;
        }
    }

    private static bool IsShortBranch(Instruction instruction)
    {
        if (instruction.Mnemonic is Mnemonic.Loop or Mnemonic.Loope or Mnemonic.Loopne or Mnemonic.Jrcxz or Mnemonic.Jecxz or Mnemonic.Jcxz)
            return true;
        var near = instruction;
        near.ToNearBranch();
        return near.Code != instruction.Code;
    }

}
