using Iced.Intel;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Code that stays in the original image — functions lite mode did not lay out, non-simple
/// functions that could not be copied, the old copies of functions copied whole — still names
/// moved code through PC-relative operands that no static relocation describes (the assembler
/// resolved a reference to a local symbol of the same section) or that the linker relaxed
/// (a GOTPCRELX load turned into `lea`). A call through such an operand still reaches the moved
/// code through the jump at the old entry, but a function address taken there would differ from
/// the one taken in moved code, and `p == f` would fail. So every rel32 branch and every
/// RIP-relative displacement of staying code whose target is a moved instruction gets the new
/// displacement.
/// </summary>
public static class StayingCodeReferences
{
    private const int EntryStubSize = 5;

    /// <summary>Writes each new displacement through <paramref name="write"/> (input address, 4 bytes); returns how many.</summary>
    public static int Patch(BinaryContext context, EmittedCode code, Action<ulong, byte[]> write)
    {
        var writer = new ByteWriter(16);
        var encoder = Encoder.Create(64, writer);
        int count = 0;
        foreach (var function in context.Functions)
        {
            if (function.Kind == FunctionKind.Plt || function.Body is not { } body)
                continue;
            bool moved = code.Functions.ContainsKey(function.Id);
            if (moved && !code.CopiedWhole.Contains(function.Id))
                continue; // its old body is dead: only the jump at its entry runs
            // The old copy of a function copied whole can still run (a jump the analysis could not
            // see), except the bytes its entry jump overwrote.
            ulong live = moved ? function.Address + EntryStubSize : function.Address;
            foreach (var instruction in body.Instructions)
                if (instruction.IP >= live && NewDisplacement(code, instruction, encoder, writer) is { } field)
                {
                    write(field.Address, field.Bytes);
                    count++;
                }
        }
        return count;
    }

    /// <summary>The displacement field of <paramref name="instruction"/> re-aimed at its target's new place, or null when it need not (or cannot) change.</summary>
    private static (ulong Address, byte[] Bytes)? NewDisplacement(EmittedCode code, Instruction instruction, Encoder encoder, ByteWriter writer)
    {
        bool branch = instruction.Op0Kind == OpKind.NearBranch64;
        if (!branch && !instruction.IsIPRelativeMemoryOperand)
            return null;
        ulong target = branch ? instruction.NearBranchTarget : instruction.IPRelativeMemoryAddress;
        if (!code.Map.TryTranslate(target, out ulong moved) || moved == target)
            return null;
        var changed = instruction;
        if (branch)
            changed.NearBranch64 = moved;
        else
            changed.MemoryDisplacement64 = moved;
        writer.Reset();
        // A short branch cannot reach the new place: it keeps going through the old entry's jump.
        if (!encoder.TryEncode(changed, instruction.IP, out uint length, out _) || length != instruction.Length)
            return null;
        int offset = branch ? (int)length - 4 : (int)encoder.GetConstantOffsets().DisplacementOffset;
        if (!branch && encoder.GetConstantOffsets().DisplacementSize != 4)
            return null;
        return (instruction.IP + (ulong)offset, writer.Written.Slice(offset, 4).ToArray());
    }
}
