using Iced.Intel;
using Rewriter.Elf;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// The instructions of one fragment (hot or cold part of a function) in output order. Every
/// instruction keeps its input address as its IP, which the block encoder uses as a label;
/// instructions made up here get an IP from <see cref="SyntheticIps"/>, which nothing targets.
/// </summary>
public sealed class FragmentCode(bool isCold, int capacity)
{
    public bool IsCold { get; } = isCold;
    public List<Instruction> Instructions { get; } = new(capacity);
    /// <summary>Input instructions left out (a jump made redundant by the layout) and the index of the instruction they would precede.</summary>
    public List<(ulong InputAddress, int Before)> Dropped { get; } = [];
    /// <summary>
    /// Jumps that leave the function (tail calls), by instruction index, with their targets: they
    /// keep the rel32 form whatever the distance, so a fragment's size does not depend on where
    /// other code lands.
    /// </summary>
    public List<(int Index, ulong Target)> LongBranches { get; } = [];
}

/// <summary>
/// Turns a function's layout into fragment instruction lists: blocks in the decided order, with
/// branches fixed up to fit it (conditions inverted, jumps added or dropped) and every reference
/// to moved code retargeted through <paramref name="relocate"/>.
/// </summary>
public static class FragmentBuilder
{
    /// <summary>IPs at or above this are instructions we made; block starts are never among them.</summary>
    public const ulong SyntheticIps = 0xFFFF_8000_0000_0000;

    public static (FragmentCode Hot, FragmentCode? Cold) Build(BinaryContext context, BinaryFunction function, FunctionLayout layout, Func<ulong, ulong> relocate)
    {
        var body = function.Body!;
        // PERF: room for every input instruction plus a few added jumps, so the lists never grow.
        int capacity = body.Instructions.Length + 8;
        var hot = new FragmentCode(false, capacity);
        var cold = layout.IsSplit ? new FragmentCode(true, capacity) : null;
        ulong nextSynthetic = SyntheticIps;
        var order = layout.BlockOrder;
        for (int position = 0; position < order.Length; position++)
        {
            var block = body.Blocks[order[position]];
            bool isCold = layout.IsCold[block.Index];
            var fragment = isCold ? cold! : hot;
            int next = NextInFragment(layout, position);
            EmitBlock(context, body, block, next, fragment, relocate, ref nextSynthetic);
        }
        if (cold is { Instructions.Count: 0 })
        {
            // Everything cold was padding: no cold fragment after all.
            foreach (var (input, _) in cold.Dropped)
                hot.Dropped.Add((input, hot.Instructions.Count));
            cold = null;
        }
        return (hot, cold);
    }

    /// <summary>The block placed after position <paramref name="position"/> in the same fragment, or -1.</summary>
    private static int NextInFragment(FunctionLayout layout, int position)
    {
        var order = layout.BlockOrder;
        bool cold = layout.IsCold[order[position]];
        return position + 1 < order.Length && layout.IsCold[order[position + 1]] == cold ? order[position + 1] : -1;
    }

    private static void EmitBlock(BinaryContext context, FunctionBody body, BasicBlock block, int next, FragmentCode fragment,
        Func<ulong, ulong> relocate, ref ulong nextSynthetic)
    {
        if (IsUnreachablePadding(body, block))
        {
            // Alignment padding after a jump: nothing reaches it, and in a new order it would
            // only cost a jump back to its old successor. It is left out (its addresses map to
            // whatever comes next), as llvm-bolt removes such blocks.
            for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
                fragment.Dropped.Add((body.Instructions[i].IP, fragment.Instructions.Count));
            return;
        }
        int last = block.LastInstruction;
        var lastInstruction = body.Instructions[last];
        int taken = -1, fallThrough = -1;
        foreach (var edge in block.Successors)
        {
            if (edge.Kind == EdgeKind.Taken) taken = edge.Target;
            else if (edge.Kind == EdgeKind.FallThrough) fallThrough = edge.Target;
        }
        bool localConditional = lastInstruction.FlowControl == FlowControl.ConditionalBranch && body.References[last].Kind == ReferenceKind.LocalBranch;
        bool jumpAfterConditional = block.InstructionCount > 1 && lastInstruction.FlowControl == FlowControl.UnconditionalBranch
            && body.References[last].Kind == ReferenceKind.LocalBranch && block.Successors.Count == 2;
        bool localJump = !jumpAfterConditional && lastInstruction.FlowControl == FlowControl.UnconditionalBranch && body.References[last].Kind == ReferenceKind.LocalBranch;

        int copyEnd = jumpAfterConditional ? last - 1 : localConditional || localJump ? last : last + 1;
        for (int i = block.FirstInstruction; i < copyEnd; i++)
            AddRetargeted(context, body, i, fragment, relocate);

        if (jumpAfterConditional || localConditional)
        {
            var conditional = body.Instructions[jumpAfterConditional ? last - 1 : last];
            Instruction? existingJump = jumpAfterConditional ? lastInstruction : null;
            bool jumpUsed = EmitConditional(body, conditional, existingJump, taken, fallThrough, next, fragment, ref nextSynthetic);
            if (jumpAfterConditional && !jumpUsed)
                fragment.Dropped.Add((lastInstruction.IP, fragment.Instructions.Count));
            return;
        }
        if (localJump)
        {
            // A jump to the next block is dropped, unless it is all the block is (its IP is a label).
            if (next == taken && block.InstructionCount > 1)
                fragment.Dropped.Add((lastInstruction.IP, fragment.Instructions.Count));
            else
                fragment.Instructions.Add(lastInstruction);
            return;
        }
        if (fallThrough >= 0 && next != fallThrough)
            fragment.Instructions.Add(Jump(body.Blocks[fallThrough].Address, ref nextSynthetic));
    }

    /// <summary>
    /// A two-way ending: branch to <paramref name="taken"/> when the condition holds, else go on to
    /// <paramref name="fallThrough"/>; as few branches as the order allows. A jump to the
    /// fall-through that the input already had is reused; returns whether it was.
    /// </summary>
    private static bool EmitConditional(FunctionBody body, Instruction conditional, Instruction? existingJump, int taken, int fallThrough,
        int next, FragmentCode fragment, ref ulong nextSynthetic)
    {
        if (fallThrough < 0 || next == fallThrough)
        {
            fragment.Instructions.Add(conditional);
            return false;
        }
        ulong fallThroughAddress = body.Blocks[fallThrough].Address;
        if (next == taken)
        {
            var inverted = conditional;
            inverted.NegateConditionCode();
            inverted.NearBranch64 = fallThroughAddress;
            fragment.Instructions.Add(inverted);
            return false;
        }
        fragment.Instructions.Add(conditional);
        fragment.Instructions.Add(existingJump ?? Jump(fallThroughAddress, ref nextSynthetic));
        return existingJump != null;
    }

    /// <summary>A block of nothing but NOPs that no edge enters (not the entry, not a landing pad).</summary>
    private static bool IsUnreachablePadding(FunctionBody body, BasicBlock block)
    {
        if (block.IsEntry || block.IsLandingPad || block.Predecessors.Count > 0)
            return false;
        for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
            if (body.Instructions[i].Mnemonic != Mnemonic.Nop)
                return false;
        return true;
    }

    private static Instruction Jump(ulong target, ref ulong nextSynthetic)
    {
        var jump = Instruction.CreateBranch(Code.Jmp_rel32_64, target);
        jump.IP = nextSynthetic++;
        return jump;
    }

    public static bool IsNearBranch(in Instruction instruction) => Disassembly.FunctionDisassembler.IsNearBranch(instruction);

    /// <summary>Adds the instruction with every reference to moved code pointed at its new place.</summary>
    private static void AddRetargeted(BinaryContext context, FunctionBody body, int index, FragmentCode fragment, Func<ulong, ulong> relocate)
    {
        var instruction = body.Instructions[index];
        var reference = body.References[index];
        switch (reference.Kind)
        {
            case ReferenceKind.TailCall when instruction.IsJmpShortOrNear || instruction.IsJccShortOrNear:
                instruction.NearBranch64 = relocate(reference.Target);
                instruction.ToNearBranch();
                fragment.LongBranches.Add((fragment.Instructions.Count, instruction.NearBranch64));
                break;
            case ReferenceKind.Call or ReferenceKind.TailCall:
                instruction.NearBranch64 = relocate(reference.Target);
                break;
            case ReferenceKind.Address when instruction.IsIPRelativeMemoryOperand:
                instruction.MemoryDisplacement64 = relocate(instruction.IPRelativeMemoryAddress);
                break;
            case ReferenceKind.Address:
                RetargetAbsolute(context, ref instruction, relocate);
                break;
        }
        fragment.Instructions.Add(instruction);
    }

    /// <summary>An absolute address in an immediate or displacement, found through its relocation.</summary>
    private static void RetargetAbsolute(BinaryContext context, ref Instruction instruction, Func<ulong, ulong> relocate)
    {
        foreach (var relocation in context.Relocations.InRange(instruction.IP, instruction.NextIP))
        {
            if (relocation.Type is not (X86RelocationType.R64 or X86RelocationType.R32 or X86RelocationType.R32S))
                continue;
            ulong moved = relocate(relocation.Value);
            if (moved == relocation.Value)
                continue;
            for (int operand = 0; operand < instruction.OpCount; operand++)
            {
                var kind = instruction.GetOpKind(operand);
                if (kind == OpKind.Immediate64 && instruction.Immediate64 == relocation.Value)
                    instruction.Immediate64 = moved;
                else if (kind is OpKind.Immediate32 && instruction.Immediate32 == (uint)relocation.Value)
                    instruction.Immediate32 = (uint)moved;
                else if (kind is OpKind.Immediate32to64 && (ulong)instruction.Immediate32to64 == relocation.Value)
                    instruction.Immediate32 = (uint)moved;
                else if (kind == OpKind.Memory && instruction.MemoryDisplacement64 == relocation.Value)
                    instruction.MemoryDisplacement64 = moved;
            }
        }
    }
}
