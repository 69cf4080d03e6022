namespace Rewriter.Model;

public enum EdgeKind : byte
{
    /// <summary>The block's conditional branch is taken, or its unconditional jump goes there.</summary>
    Taken,
    /// <summary>
    /// The conditional branch is not taken (control falls into the next block, or goes on through
    /// the block's trailing jmp), or a block without a branch runs into the next one.
    /// </summary>
    FallThrough,
    /// <summary>One target of a jump table.</summary>
    JumpTable,
}

/// <summary>A successor edge with its profile counts.</summary>
public struct Edge(int target, EdgeKind kind)
{
    public int Target { get; } = target;
    public EdgeKind Kind { get; } = kind;
    public ulong Count { get; set; }
    public ulong Mispredicts { get; set; }
}

/// <summary>A basic block: a run of instructions entered only at its first one.</summary>
public sealed class BasicBlock
{
    public required int Index { get; init; }
    public required ulong Address { get; init; }
    public required ulong End { get; init; }
    public required int FirstInstruction { get; init; }
    public required int InstructionCount { get; init; }

    public List<Edge> Successors { get; } = [];
    public List<int> Predecessors { get; } = [];
    /// <summary>Landing pads that calls in this block unwind to.</summary>
    public List<int> LandingPads { get; } = [];

    public bool IsEntry { get; set; }
    public bool IsLandingPad { get; set; }
    /// <summary>The CFI state index (into the function's CFI table) in effect at the block's first instruction; -1 if unknown.</summary>
    public int CfiStateAtStart { get; set; } = -1;

    public ulong ExecutionCount { get; set; }

    /// <summary>
    /// For a block ending in a conditional tail call (a jcc to another function): how often that
    /// call was taken. It leaves the function, so it is not an edge, but it is flow out of the block.
    /// </summary>
    public ulong TailCallCount { get; set; }

    public int LastInstruction => FirstInstruction + InstructionCount - 1;
    public ulong Size => End - Address;

    public override string ToString() => $"block {Index} at 0x{Address:x}";
}
