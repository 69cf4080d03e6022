using Iced.Intel;
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
            return instruction.MemoryIndex == Register.None && instruction.MemoryBase != Register.RSP;
        if (instruction.Op0Kind != OpKind.Register)
            return false;
        return IsLoadedPointer(body, jump, instruction.Op0Register.GetFullRegister());
    }

    /// <summary>The register's last definition before the jump is a load from memory without an index.</summary>
    private static bool IsLoadedPointer(FunctionBody body, int jump, Register register)
    {
        for (int i = jump - 1; i >= Math.Max(0, jump - ScanWindow); i--)
        {
            var instruction = body.Instructions[i];
            // A conditional branch writes no register; anything else that transfers control ends the search.
            if (instruction.FlowControl is not (FlowControl.Next or FlowControl.ConditionalBranch))
                return false;
            if (instruction.Op0Kind != OpKind.Register || instruction.Op0Register.GetFullRegister() != register)
                continue;
            if (instruction.Mnemonic is Mnemonic.Cmp or Mnemonic.Test or Mnemonic.Push)
                continue;
            if (instruction.Mnemonic == Mnemonic.Mov && instruction.Op1Kind == OpKind.Register)
            {
                register = instruction.Op1Register.GetFullRegister();
                continue;
            }
            return instruction.Mnemonic == Mnemonic.Mov && instruction.Op1Kind == OpKind.Memory && instruction.MemoryIndex == Register.None;
        }
        return false;
    }
}
