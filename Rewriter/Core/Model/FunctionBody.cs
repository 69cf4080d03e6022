using Iced.Intel;
using Rewriter.Common;

namespace Rewriter.Model;

/// <summary>
/// A decoded function: its instructions in address order and, for simple functions, the CFG.
/// Blocks index into <see cref="Instructions"/>; nothing points back up.
/// </summary>
public sealed class FunctionBody
{
    public required Instruction[] Instructions { get; init; }
    /// <summary>What each instruction refers to (branch target, RIP-relative data, relocation), by instruction index.</summary>
    public required InstructionReference[] References { get; init; }
    public BasicBlock[] Blocks { get; set; } = [];
    public List<JumpTable> JumpTables { get; } = [];
    /// <summary>The function's CFI rows (from its FDE), for the CFI state at each block.</summary>
    public CallFrames.CfiTable? Cfi { get; set; }

    /// <summary>Index of the instruction starting at <paramref name="address"/>, or -1.</summary>
    public int InstructionAt(ulong address)
    {
        int index = SortedSearch.LowerBound<Instruction, ulong>(Instructions, address, static (in Instruction i) => i.IP);
        return index < Instructions.Length && Instructions[index].IP == address ? index : -1;
    }

    /// <summary>Index of the block whose range holds <paramref name="address"/>, or -1.</summary>
    public int BlockContaining(ulong address)
    {
        int index = SortedSearch.UpperBound<BasicBlock, ulong>(Blocks, address, static (in BasicBlock b) => b.End);
        return index < Blocks.Length && Blocks[index].Address <= address ? index : -1;
    }
}

public enum ReferenceKind : byte
{
    None,
    /// <summary>A direct branch to another instruction of the same function.</summary>
    LocalBranch,
    /// <summary>A direct call.</summary>
    Call,
    /// <summary>A direct jump (or conditional jump) out of the function: a tail call.</summary>
    TailCall,
    /// <summary>A RIP-relative or relocated operand that names an address (data or code).</summary>
    Address,
}

/// <summary>What one instruction refers to: its kind and target address (0 when none).</summary>
public readonly record struct InstructionReference(ReferenceKind Kind, ulong Target);

public enum JumpTableKind : byte
{
    /// <summary>8-byte absolute entries: `jmp *T(,%idx,8)`.</summary>
    Absolute,
    /// <summary>4-byte entries relative to the table: `lea T(%rip),%r1; movslq (%r1,%idx,4),%r2; add %r1,%r2; jmp *%r2`.</summary>
    PositionIndependent,
}

/// <summary>A jump table used by one indirect jump of a function.</summary>
public sealed record JumpTable(ulong Address, JumpTableKind Kind, int EntrySize, IReadOnlyList<ulong> Targets, int JumpInstruction);
