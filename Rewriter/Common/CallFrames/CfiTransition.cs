namespace Rewriter.CallFrames;

/// <summary>
/// The instructions that turn one CFI state into another, for re-emitting CFI after code moves:
/// at the start of each output block, the layout emits the transition from the previous block's
/// last state to this block's first state.
/// </summary>
public static class CfiTransition
{
    /// <summary>
    /// The shortest instruction list (by encoded size, per register) that turns
    /// <paramref name="from"/> into <paramref name="to"/>. <paramref name="initial"/> is the CIE's
    /// initial state, which DW_CFA_restore returns to.
    /// </summary>
    /// <exception cref="ArgumentException">No instruction sequence reaches <paramref name="to"/>
    /// (for example it lacks a rule the CIE defines, or has an unset CFA).</exception>
    public static List<CfiInstruction> Between(CfiState from, CfiState to, CfiState initial, CfiEncoding encoding)
    {
        var program = new List<CfiInstruction>();
        if (from.Cfa != to.Cfa)
            program.Add(CfaChange(from.Cfa, to.Cfa));

        var a = from.Rules;
        var b = to.Rules;
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            uint ra = i < a.Length ? a[i].Register : uint.MaxValue;
            uint rb = j < b.Length ? b[j].Register : uint.MaxValue;
            if (ra < rb)
            {
                // The target leaves this register unspecified: only a restore to "no rule" does that.
                if (initial.RuleFor(ra) is not null)
                    throw new ArgumentException($"{CfiRegisterNames.Name(ra)} has no rule in the target state but the CIE gives it one");
                program.Add(CfiInstruction.Restore(ra));
                i++;
            }
            else if (rb < ra)
            {
                program.Add(RuleChange(rb, b[j].Rule, initial, encoding));
                j++;
            }
            else
            {
                if (a[i].Rule != b[j].Rule)
                    program.Add(RuleChange(rb, b[j].Rule, initial, encoding));
                i++;
                j++;
            }
        }

        if (from.ArgsSize != to.ArgsSize)
            program.Add(CfiInstruction.GnuArgsSize(to.ArgsSize));
        return program;
    }

    /// <summary>
    /// A whole FDE program: starting from <paramref name="initial"/> at <paramref name="start"/>,
    /// reach each row's state at its address (rows in increasing address order).
    /// </summary>
    public static List<CfiInstruction> Program(CfiState initial, ulong start, IEnumerable<(ulong Address, CfiState State)> rows, CfiEncoding encoding)
    {
        var program = new List<CfiInstruction>();
        var current = initial;
        ulong location = start;
        foreach (var (address, state) in rows)
        {
            if (address < location)
                throw new ArgumentException($"row at 0x{address:x} comes before 0x{location:x}");
            if (state.Equals(current))
                continue;
            if (address > location)
                program.Add(CfiInstruction.AdvanceLoc(address - location));
            program.AddRange(Between(current, state, initial, encoding));
            location = address;
            current = state;
        }
        return program;
    }

    private static CfiInstruction CfaChange(CfaRule from, CfaRule to)
    {
        switch (to.Kind)
        {
            case CfaRuleKind.Expression:
                return CfiInstruction.DefCfaExpression(to.Expression);
            case CfaRuleKind.RegisterOffset when from.Kind == CfaRuleKind.RegisterOffset && from.Register == to.Register:
                return CfiInstruction.DefCfaOffset(to.Offset);
            case CfaRuleKind.RegisterOffset when from.Kind == CfaRuleKind.RegisterOffset && from.Offset == to.Offset:
                return CfiInstruction.DefCfaRegister(to.Register);
            case CfaRuleKind.RegisterOffset:
                return CfiInstruction.DefCfa(to.Register, to.Offset);
            default:
                throw new ArgumentException("the target state has no CFA rule");
        }
    }

    private static CfiInstruction RuleChange(uint register, CfiRule to, CfiState initial, CfiEncoding encoding)
    {
        var explicitRule = CfiInstruction.SetRule(register, to);
        if (initial.RuleFor(register) != to)
            return explicitRule;
        // The CIE already has this rule: DW_CFA_restore is usually shorter.
        var restore = CfiInstruction.Restore(register);
        int explicitSize = CfiWriter.SizeOf(explicitRule, encoding);
        return explicitSize < 0 || CfiWriter.SizeOf(restore, encoding) < explicitSize ? restore : explicitRule;
    }
}
