using Iced.Intel;
using Rewriter.Disassembly;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Model;

namespace Rewriter.Cfg;

/// <summary>A call-site range of an LSDA: calls in [Start, End) unwind to LandingPad (0 = none).</summary>
public readonly record struct CallSite(ulong Start, ulong End, ulong LandingPad);

/// <summary>
/// Splits a decoded function into basic blocks and connects them. Anything that would make the
/// CFG a guess (a branch into an instruction, an indirect jump that is not a known jump table)
/// marks the function non-simple with the reason, and no CFG is built.
/// </summary>
public static class CfgBuilder
{
    public static void Build(BinaryContext context, BinaryFunction function, FunctionBody body, IReadOnlyList<CallSite> callSites, CfiTable? cfi)
    {
        var instructions = body.Instructions;
        int count = instructions.Length;
        if (count == 0)
        {
            function.MarkNonSimple("no instructions");
            return;
        }

        var leader = new bool[count];
        leader[0] = true;
        for (int i = 0; i < count; i++)
        {
            ref readonly var instruction = ref instructions[i];
            var reference = body.References[i];
            if (reference.Kind == ReferenceKind.LocalBranch && !MarkLeader(body, leader, reference.Target, function, "a branch at 0x" + instruction.IP.ToString("x")))
                return;
            if (instruction.FlowControl == FlowControl.IndirectBranch && !AnalyzeIndirectJump(context, function, body, i, leader, cfi))
                return;
            if (EndsBlock(instruction) && i + 1 < count && !IsJumpAfterConditional(body, i + 1))
                leader[i + 1] = true;
        }
        foreach (var site in callSites)
            if (site.LandingPad != 0 && !MarkLeader(body, leader, site.LandingPad, function, "a landing pad"))
                return;
        foreach (ulong entry in function.SecondaryEntries)
            if (!MarkLeader(body, leader, entry, function, "an entry"))
                return;
        if (!function.IsSimple)
            return;

        body.Blocks = MakeBlocks(function, body, leader);
        Connect(body);
        AttachLandingPads(body, callSites);
    }

    private static bool MarkLeader(FunctionBody body, bool[] leader, ulong target, BinaryFunction function, string what)
    {
        int index = body.InstructionAt(target);
        if (index < 0)
        {
            function.MarkNonSimple($"{what} targets 0x{target:x}, inside an instruction");
            return false;
        }
        leader[index] = true;
        return true;
    }

    private static bool AnalyzeIndirectJump(BinaryContext context, BinaryFunction function, FunctionBody body, int index, bool[] leader, CfiTable? cfi)
    {
        var instruction = body.Instructions[index];
        var (table, problem) = JumpTableAnalyzer.Analyze(context, function, body, index);
        if (table != null)
        {
            body.JumpTables.Add(table);
            foreach (var target in table.Targets)
                leader[body.InstructionAt(target)] = true;
            return true;
        }
        // jmp *slot(%rip) reads a pointer from data: an indirect tail call, not a local branch.
        if (instruction.Op0Kind == OpKind.Memory && instruction.IsIPRelativeMemoryOperand)
            return true;
        if (IndirectTailCall.Recognize(body, index, cfi))
            return true;
        function.MarkNonSimple(problem ?? $"unknown indirect jump at 0x{instruction.IP:x}");
        return false;
    }

    /// <summary>
    /// A local `jmp` right after a local `jcc` stays in the jcc's block: together they are the
    /// block's two-way ending (taken, and not taken via the jmp), as in llvm-bolt's CFG.
    /// </summary>
    private static bool IsJumpAfterConditional(FunctionBody body, int index) =>
        index > 0 && body.Instructions[index].FlowControl == FlowControl.UnconditionalBranch
        && body.References[index].Kind == ReferenceKind.LocalBranch
        && body.Instructions[index - 1].FlowControl == FlowControl.ConditionalBranch
        && body.References[index - 1].Kind == ReferenceKind.LocalBranch;

    /// <summary>Instructions after which control does not simply go on to the next one.</summary>
    public static bool EndsBlock(in Instruction instruction) =>
        instruction.FlowControl is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch
            or FlowControl.IndirectBranch or FlowControl.Return or FlowControl.Exception or FlowControl.Interrupt
        || instruction.Mnemonic == Mnemonic.Hlt;

    private static BasicBlock[] MakeBlocks(BinaryFunction function, FunctionBody body, bool[] leader)
    {
        var blocks = new List<BasicBlock>();
        int start = 0;
        for (int i = 1; i <= leader.Length; i++)
        {
            if (i < leader.Length && !leader[i])
                continue;
            blocks.Add(new BasicBlock
            {
                Index = blocks.Count,
                Address = body.Instructions[start].IP,
                End = body.Instructions[i - 1].NextIP,
                FirstInstruction = start,
                InstructionCount = i - start,
                IsEntry = start == 0 || function.SecondaryEntries.Contains(body.Instructions[start].IP),
            });
            start = i;
        }
        return blocks.ToArray();
    }

    private static void Connect(FunctionBody body)
    {
        var blocks = body.Blocks;
        for (int b = 0; b < blocks.Length; b++)
        {
            var block = blocks[b];
            ref readonly var last = ref body.Instructions[block.LastInstruction];
            var reference = body.References[block.LastInstruction];
            bool hasNext = b + 1 < blocks.Length;
            switch (last.FlowControl)
            {
                case FlowControl.ConditionalBranch:
                    if (reference.Kind == ReferenceKind.LocalBranch)
                        AddEdge(body, block, body.BlockContaining(reference.Target), EdgeKind.Taken);
                    if (hasNext)
                        AddEdge(body, block, b + 1, EdgeKind.FallThrough);
                    break;
                case FlowControl.UnconditionalBranch when block.InstructionCount > 1 && IsJumpAfterConditional(body, block.LastInstruction):
                    AddEdge(body, block, body.BlockContaining(body.References[block.LastInstruction - 1].Target), EdgeKind.Taken);
                    AddEdge(body, block, body.BlockContaining(reference.Target), EdgeKind.FallThrough);
                    break;
                case FlowControl.UnconditionalBranch:
                    if (reference.Kind == ReferenceKind.LocalBranch)
                        AddEdge(body, block, body.BlockContaining(reference.Target), EdgeKind.Taken);
                    break;
                case FlowControl.IndirectBranch:
                    if (body.JumpTables.FirstOrDefault(t => t.JumpInstruction == block.LastInstruction) is { } table)
                        foreach (var target in table.Targets.Distinct())
                            AddEdge(body, block, body.BlockContaining(target), EdgeKind.JumpTable);
                    break;
                case FlowControl.Return or FlowControl.Exception or FlowControl.Interrupt:
                    break;
                default:
                    if (last.Mnemonic != Mnemonic.Hlt && hasNext)
                        AddEdge(body, block, b + 1, EdgeKind.FallThrough);
                    break;
            }
        }
    }

    private static void AddEdge(FunctionBody body, BasicBlock from, int to, EdgeKind kind)
    {
        from.Successors.Add(new Edge(to, kind));
        var predecessors = body.Blocks[to].Predecessors;
        if (!predecessors.Contains(from.Index))
            predecessors.Add(from.Index);
    }

    private static void AttachLandingPads(FunctionBody body, IReadOnlyList<CallSite> callSites)
    {
        foreach (var site in callSites)
        {
            if (site.LandingPad == 0)
                continue;
            int pad = body.BlockContaining(site.LandingPad);
            body.Blocks[pad].IsLandingPad = true;
            foreach (var block in body.Blocks)
                if (block.Address < site.End && site.Start < block.End && HasCallIn(body, block, site) && !block.LandingPads.Contains(pad))
                    block.LandingPads.Add(pad);
        }
    }

    private static bool HasCallIn(FunctionBody body, BasicBlock block, CallSite site)
    {
        for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
        {
            ref readonly var instruction = ref body.Instructions[i];
            if (instruction.IP >= site.Start && instruction.IP < site.End && instruction.FlowControl is FlowControl.Call or FlowControl.IndirectCall)
                return true;
        }
        return false;
    }
}
