using System.Buffers.Binary;
using Iced.Intel;
using Rewriter.Elf;
using Rewriter.Model;

namespace Rewriter.Disassembly;

/// <summary>
/// Recognizes the x86-64 jump-table patterns behind an indirect jump and reads the table,
/// checking every entry against the function's instruction starts (and, when the input has
/// them, against relocations).
///   absolute: jmp *T(,%idx,8)  |  mov T(,%idx,8),%r; jmp *%r  |  lea T(%rip),%b; mov (%b,%idx,8),%r; jmp *%r
///   PIC:      lea T(%rip),%b; movslq (%b,%idx,4),%r; add %b,%r; jmp *%r
/// </summary>
public static class JumpTableAnalyzer
{
    private const int ScanWindow = 32;
    private const int MaxEntries = 1 << 16;

    public readonly record struct Result(JumpTable? Table, string? Problem);

    public static Result Analyze(BinaryContext context, BinaryFunction function, FunctionBody body, int jump)
    {
        var instruction = body.Instructions[jump];
        if (instruction.Op0Kind == OpKind.Memory)
        {
            // jmp *T(,%idx,8) or jmp *(%b,%idx,8) with lea T(%rip),%b
            if (instruction.MemoryIndexScale != 8 || instruction.MemoryIndex == Register.None)
                return default;
            ulong? table = TableAddress(body, jump, instruction);
            return table is { } t ? ReadTable(context, function, body, jump, jump, t, JumpTableKind.Absolute, instruction.MemoryIndex) : default;
        }
        if (instruction.Op0Kind != OpKind.Register)
            return default;

        var target = instruction.Op0Register.GetFullRegister();
        int definition = FindDefinition(body, jump, target, out _);
        if (definition < 0)
            return default;
        var defining = body.Instructions[definition];
        switch (defining.Mnemonic)
        {
            case Mnemonic.Mov when defining.Op1Kind == OpKind.Memory && defining.MemoryIndexScale == 8 && defining.MemoryIndex != Register.None:
            {
                ulong? table = TableAddress(body, definition, defining);
                return table is { } t ? ReadTable(context, function, body, jump, definition, t, JumpTableKind.Absolute, defining.MemoryIndex) : default;
            }
            case Mnemonic.Add when defining.Op1Kind == OpKind.Register:
            {
                // r = a + b: one addend was loaded by movslq (%base,%idx,4), the other is the
                // table address from lea T(%rip) — in either operand order.
                var other = defining.Op1Register.GetFullRegister();
                int fromTarget = FindDefinition(body, definition, target, out _);
                int fromOther = FindDefinition(body, definition, other, out _);
                bool loadIsTarget = IsRelativeEntryLoad(body, fromTarget);
                if (!loadIsTarget && !IsRelativeEntryLoad(body, fromOther))
                    return default;
                int loadIndex = loadIsTarget ? fromTarget : fromOther;
                var load = body.Instructions[loadIndex];
                ulong? added = BaseRegisterAddress(body, definition, loadIsTarget ? other : target);
                // The table register is the base — or, for gcc -O0's (%idx4,%table,1), either one.
                var (tableRegister, indexRegister) = (load.MemoryBase.GetFullRegister(), load.MemoryIndex);
                ulong? table = BaseRegisterAddress(body, loadIndex, tableRegister);
                if (table != added && load.MemoryIndexScale == 1)
                {
                    (tableRegister, indexRegister) = (load.MemoryIndex.GetFullRegister(), load.MemoryBase);
                    table = BaseRegisterAddress(body, loadIndex, tableRegister);
                }
                if (table is not { } t || added != t)
                    return default;
                return ReadTable(context, function, body, jump, loadIndex, t, JumpTableKind.PositionIndependent, indexRegister);
            }
            default:
                return default;
        }
    }

    /// <summary>
    /// The load of a 4-byte table-relative entry: `movslq (%base,%idx,4),%r`, or gcc -O0's
    /// `movl (%idx4,%base,1),%e32` (then sign-extended by cltq, which writes no explicit operand).
    /// </summary>
    private static bool IsRelativeEntryLoad(FunctionBody body, int index)
    {
        if (index < 0)
            return false;
        var load = body.Instructions[index];
        if (load.Op1Kind != OpKind.Memory || load.MemoryBase == Register.None || load.MemoryIndex == Register.None)
            return false;
        return (load.Mnemonic == Mnemonic.Movsxd && load.MemoryIndexScale == 4)
            || (load.Mnemonic == Mnemonic.Mov && load.Op0Register.GetSize() == 4 && load.MemoryIndexScale is 1 or 4);
    }

    /// <summary>The table address of a memory operand: an absolute displacement, or a base set by lea T(%rip).</summary>
    private static ulong? TableAddress(FunctionBody body, int index, in Instruction instruction)
    {
        if (instruction.MemoryBase == Register.None)
            return instruction.MemoryDisplacement64;
        if (instruction.MemoryDisplacement64 != 0)
            return null;
        return BaseRegisterAddress(body, index, instruction.MemoryBase.GetFullRegister());
    }

    /// <summary>The address loaded into <paramref name="register"/> by the lea that last defines it before <paramref name="index"/>.</summary>
    private static ulong? BaseRegisterAddress(FunctionBody body, int index, Register register)
    {
        int definition = FindDefinition(body, index, register, out _, unbounded: true);
        if (definition < 0)
            return null;
        var lea = body.Instructions[definition];
        return lea.Mnemonic == Mnemonic.Lea && lea.IsIPRelativeMemoryOperand ? lea.IPRelativeMemoryAddress : null;
    }

    /// <summary>
    /// The nearest instruction before <paramref name="index"/> (in address order) that writes
    /// <paramref name="register"/> as its first operand, following plain register moves.
    /// </summary>
    private static int FindDefinition(FunctionBody body, int index, Register register, out Register finalRegister, bool unbounded = false)
    {
        finalRegister = register;
        int limit = unbounded ? 0 : Math.Max(0, index - ScanWindow);
        for (int i = index - 1; i >= limit; i--)
        {
            var instruction = body.Instructions[i];
            if (instruction.Op0Kind != OpKind.Register || instruction.Op0Register.GetFullRegister() != finalRegister)
                continue;
            if (instruction.Mnemonic is Mnemonic.Cmp or Mnemonic.Test or Mnemonic.Push)
                continue; // they read op0 without writing it
            if (instruction.Mnemonic == Mnemonic.Mov && instruction.Op1Kind == OpKind.Register)
            {
                finalRegister = instruction.Op1Register.GetFullRegister();
                continue;
            }
            return i;
        }
        return -1;
    }

    /// <summary>Reads the table; the range check that bounds it is looked for before <paramref name="load"/>, the instruction that indexes it.</summary>
    private static Result ReadTable(BinaryContext context, BinaryFunction function, FunctionBody body, int jump, int load, ulong table, JumpTableKind kind, Register indexRegister)
    {
        var section = context.Elf.Sections.FirstOrDefault(s => s.Header.IsAllocated && s.Header.HasFileContents
            && table >= s.Header.Address && table < s.Header.Address + s.Header.Size);
        if (section == null)
            return new Result(null, $"jump table at 0x{table:x} is not in a section with contents");
        // Two jumps may share one table (the compiler merged identical switches).
        if (body.JumpTables.FirstOrDefault(t => t.Address == table && t.Kind == kind) is { } shared)
            return new Result(shared with { JumpInstruction = jump }, null);
        var bytes = context.Elf.GetRawContents(section);
        int entrySize = kind == JumpTableKind.Absolute ? 8 : 4;
        int? bound = EntryBound(body, load, indexRegister.GetFullRegister());
        var targets = new List<ulong>();
        int limit = bound ?? MaxEntries;
        for (int k = 0; k < limit; k++)
        {
            ulong entryAddress = table + (ulong)(k * entrySize);
            long offset = (long)(entryAddress - section.Header.Address);
            if (offset + entrySize > bytes.Length)
                break;
            ulong target = kind == JumpTableKind.Absolute
                ? BinaryPrimitives.ReadUInt64LittleEndian(bytes[(int)offset..])
                : table + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(bytes[(int)offset..]);
            bool valid = function.Contains(target) && body.InstructionAt(target) >= 0;
            // Without a bound from a compare, the table ends where entries stop being code
            // addresses of this function (or stop being relocated, when relocations are kept).
            if (bound == null && context.HasRelocations && !context.Relocations.TryGetAt(entryAddress, out _))
                break;
            if (!valid)
            {
                if (bound != null)
                    return new Result(null, $"jump table at 0x{table:x}: entry {k} (0x{target:x}) is not an instruction of the function");
                break;
            }
            if (bound == null && k > 0 && body.JumpTables.Any(t => t.Address == entryAddress))
                break;
            targets.Add(target);
        }
        if (targets.Count == 0)
            return new Result(null, $"jump table at 0x{table:x} has no valid entry");
        return new Result(new JumpTable(table, kind, entrySize, targets, jump), null);
    }

    /// <summary>
    /// The number of entries implied by the range check before the jump:
    /// `cmp $N, %idx; ja default` gives N + 1, `jae` gives N.
    /// </summary>
    private static int? EntryBound(FunctionBody body, int jump, Register index)
    {
        var register = index;
        for (int i = jump - 1; i >= Math.Max(0, jump - ScanWindow); i--)
        {
            var instruction = body.Instructions[i];
            if (instruction.Mnemonic == Mnemonic.Cmp && instruction.Op0Kind == OpKind.Register
                && instruction.Op0Register.GetFullRegister() == register && IsImmediate(instruction.Op1Kind)
                && i + 1 < body.Instructions.Length)
            {
                var branch = body.Instructions[i + 1];
                long limit = (long)instruction.GetImmediate(1);
                if (limit < 0 || limit >= MaxEntries)
                    return null;
                return branch.ConditionCode switch
                {
                    ConditionCode.a => (int)limit + 1,
                    ConditionCode.ae => (int)limit,
                    _ => null,
                };
            }
            // A zero-extending move of the index (mov %eax,%eax or mov %ecx,%eax) keeps the bound.
            if (instruction.Op0Kind == OpKind.Register && instruction.Op0Register.GetFullRegister() == register)
            {
                if (instruction.Mnemonic == Mnemonic.Mov && instruction.Op1Kind == OpKind.Register)
                {
                    register = instruction.Op1Register.GetFullRegister();
                    continue;
                }
                if (instruction.Mnemonic is Mnemonic.Cmp or Mnemonic.Test)
                    continue;
                // and $(2^n - 1), %idx keeps the index below 2^n.
                if (instruction.Mnemonic == Mnemonic.And && IsImmediate(instruction.Op1Kind)
                    && instruction.GetImmediate(1) is var mask and < MaxEntries && ((mask + 1) & mask) == 0)
                    return (int)mask + 1;
                return null;
            }
        }
        return null;
    }

    private static bool IsImmediate(OpKind kind) => kind is OpKind.Immediate8 or OpKind.Immediate16 or OpKind.Immediate32
        or OpKind.Immediate64 or OpKind.Immediate8to16 or OpKind.Immediate8to32 or OpKind.Immediate8to64 or OpKind.Immediate32to64;
}
