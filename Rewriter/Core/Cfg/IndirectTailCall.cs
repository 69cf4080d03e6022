using Iced.Intel;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Model;

namespace Rewriter.Cfg;

/// <summary>
/// Decides whether an indirect jump that is not a jump table leaves the function as a tail call.
/// It does when the target is a pointer loaded from memory without an index (a function pointer,
/// a vtable slot), not something computed locally, and — where the function has CFI — the frame
/// is already torn down (CFA = RSP + 8, as at entry: the return address is on top of the stack).
/// Should such a pointer ever name a place inside the function, it is data with a relocation and
/// is redirected with the rest.
/// </summary>
public static class IndirectTailCall
{
    private const uint DwarfRsp = 7;
    private const int ScanWindow = 32;
    /// <summary>How many times the backward search may jump from a block's start to the branch that leads there.</summary>
    private const int MaxHops = 2;

    public static bool Recognize(FunctionBody body, int jump, CfiTable? cfi)
    {
        var instruction = body.Instructions[jump];
        if (cfi != null)
        {
            if (instruction.IP < cfi.Start || instruction.IP >= cfi.End)
                return false;
            var cfa = cfi.StateAt(instruction.IP).Cfa;
            if (cfa.Kind != CfaRuleKind.RegisterOffset || cfa.Register != DwarfRsp || cfa.Offset != 8)
                return false;
        }
        if (instruction.Op0Kind == OpKind.Memory)
            return instruction.MemoryBase != Register.RSP
                && (instruction.MemoryIndex == Register.None || IsConstant(body, jump, instruction.MemoryIndex.GetFullRegister()));
        if (instruction.Op0Kind != OpKind.Register)
            return false;
        var register = instruction.Op0Register.GetFullRegister();
        return IsLoadedPointer(body, jump, register) || OnlyEverLoaded(body, register);
    }

    /// <summary>
    /// Every write of the register anywhere in the function is a load from memory without an
    /// index, so whatever path leads to the jump, the register holds a loaded pointer (or the
    /// value the caller passed in). Implicit writes count too, through Iced's register usage.
    /// </summary>
    private static bool OnlyEverLoaded(FunctionBody body, Register register)
    {
        var info = new InstructionInfoFactory();
        bool written = false;
        foreach (var instruction in body.Instructions)
        {
            if (instruction.FlowControl is FlowControl.Call or FlowControl.IndirectCall)
            {
                if (IsCallerSaved(register))
                    return false; // a call leaves it undefined; whatever comes after is not a loaded pointer we saw
                continue;
            }
            foreach (var used in info.GetInfo(instruction).GetUsedRegisters())
            {
                if (used.Register.GetFullRegister() != register || used.Access is OpAccess.Read or OpAccess.CondRead or OpAccess.NoMemAccess)
                    continue;
                bool load = instruction.Mnemonic == Mnemonic.Mov && instruction.Op0Kind == OpKind.Register
                    && instruction.Op1Kind == OpKind.Memory && instruction.MemoryIndex == Register.None;
                if (!load)
                    return false;
                written = true;
            }
        }
        return written;
    }

    private static bool IsCallerSaved(Register register) => register is Register.RAX or Register.RCX or Register.RDX or Register.RSI
        or Register.RDI or Register.R8 or Register.R9 or Register.R10 or Register.R11;

    /// <summary>The register was last set to an immediate: a fixed slot of a table, not an index into it.</summary>
    private static bool IsConstant(FunctionBody body, int jump, Register register) =>
        LastDefinition(body, jump, Math.Max(0, jump - ScanWindow), register) is >= 0 and var at
        && body.Instructions[at].Mnemonic == Mnemonic.Mov
        && body.Instructions[at].Op1Kind is OpKind.Immediate32 or OpKind.Immediate32to64 or OpKind.Immediate64;

    /// <summary>The register's value at the jump comes, through register copies, from a load from memory without an index.</summary>
    private static bool IsLoadedPointer(FunctionBody body, int jump, Register register)
    {
        int lowest = Math.Max(0, jump - ScanWindow);
        for (int at = jump; ;)
        {
            at = LastDefinition(body, at, lowest, register);
            if (at < 0)
                return false;
            var instruction = body.Instructions[at];
            if (instruction.Mnemonic == Mnemonic.Mov && instruction.Op1Kind == OpKind.Register)
            {
                register = instruction.Op1Register.GetFullRegister();
                continue;
            }
            return instruction.Mnemonic == Mnemonic.Mov && instruction.Op1Kind == OpKind.Memory && instruction.MemoryIndex == Register.None;
        }
    }

    /// <summary>
    /// Index of the last instruction before <paramref name="before"/> (not below
    /// <paramref name="lowest"/>), on the straight line leading to it, that writes the register as
    /// its first operand; -1 when control flow intervenes or none is found. Code right after a
    /// return or a jump is reached only by branches: when all the branches of the function that
    /// lead there lie on one straight line, the search goes on before the earliest (a tail call placed after the epilogue
    /// of another path, say).
    /// </summary>
    private static int LastDefinition(FunctionBody body, int before, int lowest, Register register)
    {
        for (int hops = 0, i = before - 1; i >= lowest; i--)
        {
            var instruction = body.Instructions[i];
            if (instruction.FlowControl is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch
                && hops++ < MaxHops && EarliestBranchTo(body, body.Instructions[i + 1].IP, register) is >= 0 and var branch && branch < i + 1)
            {
                i = branch; // the loop steps to the instruction before the branch
                continue;
            }
            // A conditional branch writes no register; anything else that transfers control ends the search.
            if (instruction.FlowControl is not (FlowControl.Next or FlowControl.ConditionalBranch))
                return -1;
            if (WritesFirstOperand(instruction, register))
                return i;
        }
        return -1;
    }

    /// <summary>
    /// The earliest direct branch of the function to <paramref name="target"/> when all of them
    /// lie on one straight line that does not write <paramref name="register"/> between them
    /// (so the value there is the value at each of them); -1 otherwise.
    /// </summary>
    private static int EarliestBranchTo(FunctionBody body, ulong target, Register register)
    {
        int first = -1, last = -1;
        for (int i = 0; i < body.Instructions.Length; i++)
        {
            var instruction = body.Instructions[i];
            if (instruction.FlowControl is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch
                && instruction.Op0Kind == OpKind.NearBranch64 && instruction.NearBranchTarget == target)
            {
                if (first < 0)
                    first = i;
                last = i;
            }
        }
        for (int i = first + 1; first >= 0 && i < last; i++)
        {
            var instruction = body.Instructions[i];
            if (instruction.FlowControl is not (FlowControl.Next or FlowControl.ConditionalBranch) || WritesFirstOperand(instruction, register))
                return -1;
        }
        return first;
    }

    private static bool WritesFirstOperand(in Instruction instruction, Register register) =>
        instruction.Op0Kind == OpKind.Register && instruction.Op0Register.GetFullRegister() == register
        && instruction.Mnemonic is not (Mnemonic.Cmp or Mnemonic.Test or Mnemonic.Push);

}
