using Iced.Intel;
using Rewriter.Model;

namespace Rewriter.Reports;

/// <summary>
/// Dynamic execution statistics from the profile, with llvm-bolt's categories, meanings and line
/// format (`%20d : description`), so scripts written for `--dyno-stats` keep working.
/// Only simple functions with a profile count, as in llvm-bolt.
/// </summary>
public sealed class DynoStats
{
    private enum Stat
    {
        ForwardConditional, ForwardConditionalTaken, BackwardConditional, BackwardConditionalTaken,
        Unconditional, FunctionCalls, IndirectCalls, PltCalls, Instructions, Loads, Stores,
        JumpTableBranches, UnknownIndirectBranches, Count,
    }

    private readonly ulong[] _stats = new ulong[(int)Stat.Count];

    public ulong ExecutedInstructions => _stats[(int)Stat.Instructions];
    public ulong AllConditional => _stats[(int)Stat.ForwardConditional] + _stats[(int)Stat.BackwardConditional];
    public ulong TakenConditional => _stats[(int)Stat.ForwardConditionalTaken] + _stats[(int)Stat.BackwardConditionalTaken];
    public ulong TakenBranches => TakenConditional + _stats[(int)Stat.Unconditional];
    public ulong NonTakenConditional => AllConditional - TakenConditional;
    public ulong AllFunctionCalls => _stats[(int)Stat.FunctionCalls];

    /// <summary>
    /// The statistics of the input (<paramref name="layout"/> null), or of the output laid out as
    /// <paramref name="layout"/> decides: branches as the fix-ups will emit them (inverted,
    /// dropped, added), forward or backward by output position.
    /// </summary>
    public static DynoStats Compute(BinaryContext context, BinaryLayout? layout = null)
    {
        var stats = new DynoStats();
        foreach (var function in context.Functions)
            if (function.IsSimple && function.HasProfile && function.Body is { Blocks.Length: > 0 } body)
                stats.Add(context, body, new BlockPlacement(body, layout?[function.Id]));
        return stats;
    }

    /// <summary>Output position of each block and the block that follows it in its fragment.</summary>
    private sealed class BlockPlacement
    {
        private readonly int[] _position;
        private readonly int[] _next;
        public bool IsOutput { get; }

        public BlockPlacement(FunctionBody body, FunctionLayout? layout)
        {
            int count = body.Blocks.Length;
            IsOutput = layout != null;
            var order = layout?.BlockOrder ?? Enumerable.Range(0, count).ToArray();
            _position = new int[count];
            _next = new int[count];
            for (int p = 0; p < order.Length; p++)
            {
                _position[order[p]] = p;
                bool sameFragment = p + 1 < order.Length && (layout == null || layout.IsCold[order[p]] == layout.IsCold[order[p + 1]]);
                _next[order[p]] = sameFragment ? order[p + 1] : -1;
            }
        }

        public int Position(int block) => _position[block];
        public int Next(int block) => _next[block];
    }

    private void Add(BinaryContext context, FunctionBody body, BlockPlacement placement)
    {
        var info = new InstructionInfoFactory();
        foreach (var block in body.Blocks)
        {
            ulong count = block.ExecutionCount;
            if (count == 0 || block.InstructionCount == 0)
                continue;
            for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
                CountInstruction(context, body, i, count, info);
            int instructions = block.InstructionCount + CountBranch(context, body, block, count, placement);
            _stats[(int)Stat.Instructions] += (ulong)instructions * count;
        }
    }

    private void CountInstruction(BinaryContext context, FunctionBody body, int index, ulong count, InstructionInfoFactory info)
    {
        ref readonly var instruction = ref body.Instructions[index];
        // A call's push of its return address is not a store in llvm-bolt's counting.
        bool isCall = instruction.FlowControl is FlowControl.Call or FlowControl.IndirectCall;
        foreach (var memory in info.GetInfo(instruction).GetUsedMemory())
        {
            if (isCall && memory.Base == Register.RSP)
                continue;
            if (memory.Access is OpAccess.Read or OpAccess.ReadWrite or OpAccess.CondRead or OpAccess.ReadCondWrite)
                _stats[(int)Stat.Loads] += count;
            if (memory.Access is OpAccess.Write or OpAccess.ReadWrite or OpAccess.CondWrite or OpAccess.ReadCondWrite)
                _stats[(int)Stat.Stores] += count;
        }

        var reference = body.References[index];
        if (reference.Kind == ReferenceKind.TailCall && instruction.FlowControl == FlowControl.ConditionalBranch)
            return; // counted with its block, see CountBranch
        bool directCall = instruction.FlowControl == FlowControl.Call || reference.Kind == ReferenceKind.TailCall;
        bool indirectCall = instruction.FlowControl == FlowControl.IndirectCall || IsIndirectTailCall(body, index);
        if (directCall || indirectCall)
            CountCall(context, reference.Target, indirectCall, count);
    }

    private void CountCall(BinaryContext context, ulong target, bool indirectCall, ulong frequency)
    {
        _stats[(int)Stat.FunctionCalls] += frequency;
        if (indirectCall)
        {
            _stats[(int)Stat.IndirectCalls] += frequency;
        }
        else if (context.FunctionAt(target) is { Kind: FunctionKind.Plt })
        {
            // The PLT entry's own `jmp *GOT(%rip)` is not analysed, so it is counted here.
            _stats[(int)Stat.PltCalls] += frequency;
            _stats[(int)Stat.FunctionCalls] += frequency;
            _stats[(int)Stat.IndirectCalls] += frequency;
            _stats[(int)Stat.Loads] += frequency;
            _stats[(int)Stat.Instructions] += frequency;
        }
    }

    /// <summary>An indirect jump that is not a jump table leaves the function: an indirect tail call.</summary>
    private static bool IsIndirectTailCall(FunctionBody body, int index) =>
        body.Instructions[index].FlowControl == FlowControl.IndirectBranch && !body.JumpTables.Any(t => t.JumpInstruction == index);

    /// <summary>Counts the block's ending; returns how many instructions the layout adds (+) or drops (−) there.</summary>
    private int CountBranch(BinaryContext context, FunctionBody body, BasicBlock block, ulong count, BlockPlacement placement)
    {
        int last = block.LastInstruction;
        ref readonly var instruction = ref body.Instructions[last];
        var reference = body.References[last];
        int next = placement.Next(block.Index);
        if (body.JumpTables.Any(t => t.JumpInstruction == last))
        {
            _stats[(int)Stat.JumpTableBranches] += count;
            return 0;
        }
        int taken = -1, fallThrough = -1;
        ulong takenCount = 0, fallThroughCount = 0;
        foreach (var edge in block.Successors)
        {
            if (edge.Kind == EdgeKind.Taken) { taken = edge.Target; takenCount = edge.Count; }
            else if (edge.Kind == EdgeKind.FallThrough) { fallThrough = edge.Target; fallThroughCount = edge.Count; }
        }
        bool jumpAfterConditional = instruction.FlowControl == FlowControl.UnconditionalBranch && block.Successors.Count == 2;
        switch (instruction.FlowControl)
        {
            case FlowControl.ConditionalBranch when reference.Kind == ReferenceKind.TailCall:
                // As llvm-bolt models it: the jcc branches forward to a one-instruction block
                // holding the tail call, which runs as often as the branch is taken.
                ulong tailCalls = block.TailCallCount;
                _stats[(int)Stat.ForwardConditional] += count;
                _stats[(int)Stat.ForwardConditionalTaken] += tailCalls;
                _stats[(int)Stat.Instructions] += tailCalls;
                CountCall(context, reference.Target, indirectCall: false, tailCalls);
                return FallThroughJump(fallThrough, next, count);
            case FlowControl.ConditionalBranch when reference.Kind == ReferenceKind.LocalBranch:
            case FlowControl.UnconditionalBranch when jumpAfterConditional:
            {
                int existingJumps = jumpAfterConditional ? 1 : 0;
                // Not-taken path next: jcc T. Taken path next: inverted jcc F. Neither: jcc T; jmp F.
                if (fallThrough < 0 || next == fallThrough)
                {
                    CountConditional(block, placement, taken, count, takenCount);
                    return -existingJumps;
                }
                if (next == taken && placement.IsOutput)
                {
                    CountConditional(block, placement, fallThrough, count, fallThroughCount);
                    return -existingJumps;
                }
                CountConditional(block, placement, taken, count, takenCount);
                _stats[(int)Stat.Unconditional] += fallThroughCount;
                return 1 - existingJumps;
            }
            case FlowControl.UnconditionalBranch when reference.Kind == ReferenceKind.LocalBranch:
                if (placement.IsOutput && next == taken && block.InstructionCount > 1)
                    return -1; // dropped: the target follows
                _stats[(int)Stat.Unconditional] += count;
                return 0;
            case FlowControl.Next or FlowControl.Call or FlowControl.IndirectCall:
                return FallThroughJump(fallThrough, next, count);
            default:
                return 0;
        }
    }

    /// <summary>A block that ran into its successor needs a jump once the successor is elsewhere.</summary>
    private int FallThroughJump(int fallThrough, int next, ulong count)
    {
        if (fallThrough < 0 || next == fallThrough)
            return 0;
        _stats[(int)Stat.Unconditional] += count;
        return 1;
    }

    /// <summary>Counts a conditional branch to <paramref name="target"/>: executed and taken, forward or backward by position.</summary>
    private void CountConditional(BasicBlock block, BlockPlacement placement, int target, ulong count, ulong taken)
    {
        bool forward = placement.Position(target) > placement.Position(block.Index);
        _stats[(int)(forward ? Stat.ForwardConditional : Stat.BackwardConditional)] += count;
        _stats[(int)(forward ? Stat.ForwardConditionalTaken : Stat.BackwardConditionalTaken)] += taken;
    }

    /// <summary>The lines in llvm-bolt's order and wording.</summary>
    public IEnumerable<(string Description, ulong Value)> Lines()
    {
        ulong S(Stat s) => _stats[(int)s];
        yield return ("executed forward branches", S(Stat.ForwardConditional));
        yield return ("taken forward branches", S(Stat.ForwardConditionalTaken));
        yield return ("executed backward branches", S(Stat.BackwardConditional));
        yield return ("taken backward branches", S(Stat.BackwardConditionalTaken));
        yield return ("executed unconditional branches", S(Stat.Unconditional));
        yield return ("all function calls", S(Stat.FunctionCalls));
        yield return ("indirect calls", S(Stat.IndirectCalls));
        yield return ("PLT calls", S(Stat.PltCalls));
        yield return ("executed instructions", S(Stat.Instructions));
        yield return ("executed load instructions", S(Stat.Loads));
        yield return ("executed store instructions", S(Stat.Stores));
        yield return ("taken jump table branches", S(Stat.JumpTableBranches));
        yield return ("taken unknown indirect branches", S(Stat.UnknownIndirectBranches));
        yield return ("total branches", AllConditional + S(Stat.Unconditional));
        yield return ("taken branches", TakenBranches);
        yield return ("non-taken conditional branches", NonTakenConditional);
        yield return ("taken conditional branches", TakenConditional);
        yield return ("all conditional branches", AllConditional);
    }

    /// <summary>Prints the table; with <paramref name="before"/>, each changed line shows its change as llvm-bolt does.</summary>
    public void WriteTo(TextWriter output, DynoStats? before = null)
    {
        var previous = before?.Lines().ToList();
        int i = 0;
        foreach (var (description, value) in Lines())
        {
            string delta = "";
            if (previous != null)
            {
                ulong old = previous[i].Value;
                delta = value == old ? " (=)" : $" ({(value - (double)old) * 100.0 / Math.Max(old, 1):+0.0;-0.0}%)";
            }
            output.WriteLine($"{value,20} : {description}{delta}");
            i++;
        }
    }
}
