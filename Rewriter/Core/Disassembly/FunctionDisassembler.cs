using Iced.Intel;
using Rewriter.Model;

namespace Rewriter.Disassembly;

/// <summary>
/// Decodes a function with Iced and symbolizes each instruction: direct branch and call targets,
/// RIP-relative operands, and operands covered by a static relocation.
/// </summary>
public static class FunctionDisassembler
{
    /// <summary>Decodes <paramref name="function"/>; returns null (and marks it non-simple) if that fails.</summary>
    public static FunctionBody? Disassemble(BinaryContext context, BinaryFunction function)
    {
        var section = function.Section.Header;
        ulong fileOffset = section.Offset + (function.Address - section.Address);
        // Compared without forming Address + Size, which a corrupt symbol size can make wrap.
        if (function.Address < section.Address || function.Size > section.Address + section.Size - function.Address)
        {
            function.MarkNonSimple("extends past the end of its section");
            return null;
        }
        var code = context.Elf.ImageMemory.Slice((int)fileOffset, (int)function.Size);
        var reader = new MemoryCodeReader(code);
        var decoder = Decoder.Create(64, reader, function.Address, DecoderOptions.None);

        var instructions = new List<Instruction>((int)function.Size / 4 + 1);
        while (decoder.IP < function.End)
        {
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid || decoder.LastError != DecoderError.None)
            {
                function.MarkNonSimple($"cannot decode the instruction at 0x{instruction.IP:x}");
                return null;
            }
            if (instruction.NextIP > function.End)
            {
                function.MarkNonSimple($"the instruction at 0x{instruction.IP:x} runs past the end of the function");
                return null;
            }
            instructions.Add(instruction);
        }

        var array = instructions.ToArray();
        var references = new InstructionReference[array.Length];
        for (int i = 0; i < array.Length; i++)
            references[i] = Symbolize(context, function, array[i]);
        return new FunctionBody { Instructions = array, References = references };
    }

    private static InstructionReference Symbolize(BinaryContext context, BinaryFunction function, in Instruction instruction)
    {
        switch (instruction.FlowControl)
        {
            case FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch when IsNearBranch(instruction):
                ulong target = instruction.NearBranchTarget;
                return new InstructionReference(function.Contains(target) ? ReferenceKind.LocalBranch : ReferenceKind.TailCall, target);
            case FlowControl.Call when IsNearBranch(instruction):
                return new InstructionReference(ReferenceKind.Call, instruction.NearBranchTarget);
        }
        if (instruction.IsIPRelativeMemoryOperand)
            return new InstructionReference(ReferenceKind.Address, instruction.IPRelativeMemoryAddress);
        // An absolute address in an immediate or displacement shows up as a non-PC-relative relocation.
        foreach (var relocation in context.Relocations.InRange(instruction.IP, instruction.NextIP))
            if (relocation.Type is Elf.X86RelocationType.R64 or Elf.X86RelocationType.R32 or Elf.X86RelocationType.R32S)
                return new InstructionReference(ReferenceKind.Address, relocation.Value);
        return default;
    }

    public static bool IsNearBranch(in Instruction instruction) =>
        instruction.Op0Kind is OpKind.NearBranch16 or OpKind.NearBranch32 or OpKind.NearBranch64;
}
