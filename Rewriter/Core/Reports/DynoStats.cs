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

    public static DynoStats Compute(BinaryContext context)
    {
        var stats = new DynoStats();
        foreach (var function in context.Functions)
            if (function.IsSimple && function.HasProfile && function.Body is { Blocks.Length: > 0 } body)
                stats.Add(context, body);
        return stats;
    }

    private void Add(BinaryContext context, FunctionBody body)
    {
        var info = new InstructionInfoFactory();
        foreach (var block in body.Blocks)
        {
            ulong count = block.ExecutionCount;
            if (count == 0 || block.InstructionCount == 0)
                continue;
            for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
                CountInstruction(context, body, i, count, info);
            _stats[(int)Stat.Instructions] += (ulong)block.InstructionCount * count;
            CountBranch(context, body, block, count);
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

    private void CountBranch(BinaryContext context, FunctionBody body, BasicBlock block, ulong count)
    {
        int last = block.LastInstruction;
        ref readonly var instruction = ref body.Instructions[last];
        var reference = body.References[last];
        if (body.JumpTables.Any(t => t.JumpInstruction == last))
        {
            _stats[(int)Stat.JumpTableBranches] += count;
            return;
        }
        switch (instruction.FlowControl)
        {
            case FlowControl.UnconditionalBranch when block.Successors.Count == 2:
                // `jcc; jmp`: a conditional branch whose not-taken path is the jmp.
                CountConditional(block, count, out ulong jumped);
                _stats[(int)Stat.Unconditional] += jumped;
                return;
            case FlowControl.UnconditionalBranch when reference.Kind == ReferenceKind.LocalBranch:
                _stats[(int)Stat.Unconditional] += count;
                return;
            case FlowControl.ConditionalBranch when reference.Kind == ReferenceKind.TailCall:
                // As llvm-bolt models it: the jcc branches forward to a one-instruction block
                // holding the tail call, which runs as often as the branch is taken.
                ulong tailCalls = block.TailCallCount;
                _stats[(int)Stat.ForwardConditional] += count;
                _stats[(int)Stat.ForwardConditionalTaken] += tailCalls;
                _stats[(int)Stat.Instructions] += tailCalls;
                CountCall(context, reference.Target, indirectCall: false, tailCalls);
                return;
            case FlowControl.ConditionalBranch:
                CountConditional(block, count, out _);
                return;
        }
    }

    /// <summary>Counts a conditional ending: executed and taken, forward or backward by block order.</summary>
    private void CountConditional(BasicBlock block, ulong count, out ulong notTaken)
    {
        ulong taken = 0;
        notTaken = 0;
        int takenTarget = block.Index;
        foreach (var edge in block.Successors)
        {
            if (edge.Kind == EdgeKind.Taken)
            {
                taken = edge.Count;
                takenTarget = edge.Target;
            }
            else
            {
                notTaken = edge.Count;
            }
        }
        bool forward = takenTarget > block.Index;
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
