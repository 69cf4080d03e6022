namespace Rewriter.CallFrames;

/// <summary>
/// The mutable register/CFA state a CFI program updates. Location changes are the caller's
/// business; this applies every other instruction.
/// </summary>
internal struct CfiMachine
{
    private readonly CfiState _initial;
    private CfaRule _cfa;
    private readonly List<CfiRegisterRule> _rules; // sorted by register
    private ulong _argsSize;
    private Stack<(CfaRule Cfa, CfiRegisterRule[] Rules)>? _remembered;

    public CfiMachine(CfiState initial)
    {
        _initial = initial;
        _cfa = initial.Cfa;
        _rules = new List<CfiRegisterRule>(initial.Rules.Length + 8);
        foreach (var rule in initial.Rules)
            _rules.Add(rule);
        _argsSize = initial.ArgsSize;
        Changed = true;
    }

    /// <summary>Something was applied since the last <see cref="Snapshot"/>.</summary>
    public bool Changed { get; private set; }

    public CfiState Snapshot()
    {
        Changed = false;
        return new CfiState(_cfa, _rules.ToArray(), _argsSize);
    }

    /// <summary>Applies a non-location instruction; returns what is wrong, or null.</summary>
    public string? Apply(in CfiInstruction instruction)
    {
        bool changedBefore = Changed;
        Changed = true;
        switch (instruction.Kind)
        {
            case CfiInstructionKind.Nop:
                Changed = changedBefore;
                return null;
            case CfiInstructionKind.DefCfa:
                _cfa = CfaRule.RegisterPlus(instruction.Register, instruction.Offset);
                return null;
            case CfiInstructionKind.DefCfaRegister:
                if (_cfa.Kind != CfaRuleKind.RegisterOffset)
                    return "DW_CFA_def_cfa_register needs a register+offset CFA rule";
                _cfa = _cfa with { Register = instruction.Register };
                return null;
            case CfiInstructionKind.DefCfaOffset:
                if (_cfa.Kind != CfaRuleKind.RegisterOffset)
                    return "DW_CFA_def_cfa_offset needs a register+offset CFA rule";
                _cfa = _cfa with { Offset = instruction.Offset };
                return null;
            case CfiInstructionKind.DefCfaExpression:
                _cfa = CfaRule.FromExpression(instruction.Expression);
                return null;
            case CfiInstructionKind.Undefined:
            case CfiInstructionKind.SameValue:
            case CfiInstructionKind.Offset:
            case CfiInstructionKind.ValOffset:
            case CfiInstructionKind.Register:
            case CfiInstructionKind.Expression:
            case CfiInstructionKind.ValExpression:
                Set(instruction.Register, RuleOf(instruction));
                return null;
            case CfiInstructionKind.Restore:
                if (_initial.RuleFor(instruction.Register) is { } rule)
                    Set(instruction.Register, rule);
                else
                    Remove(instruction.Register);
                return null;
            case CfiInstructionKind.RememberState:
                _remembered ??= new();
                if (_remembered.Count >= CfiInterpreter.MaxRememberDepth)
                    return $"DW_CFA_remember_state nests deeper than {CfiInterpreter.MaxRememberDepth}";
                _remembered.Push((_cfa, _rules.ToArray()));
                Changed = changedBefore;
                return null;
            case CfiInstructionKind.RestoreState:
                if (_remembered is not { Count: > 0 })
                    return "DW_CFA_restore_state without a remembered state";
                // As libgcc and LLVM do: the CFA rule is part of the remembered state; args_size is not.
                var (cfa, rules) = _remembered.Pop();
                _cfa = cfa;
                _rules.Clear();
                _rules.AddRange(rules);
                return null;
            case CfiInstructionKind.GnuArgsSize:
                _argsSize = instruction.Value;
                return null;
            default:
                return $"{instruction.Kind} is not a state change";
        }
    }

    private static CfiRule RuleOf(in CfiInstruction instruction) => instruction.Kind switch
    {
        CfiInstructionKind.Undefined => CfiRule.Undefined,
        CfiInstructionKind.SameValue => CfiRule.SameValue,
        CfiInstructionKind.Offset => CfiRule.AtCfaOffset(instruction.Offset),
        CfiInstructionKind.ValOffset => CfiRule.IsCfaOffset(instruction.Offset),
        CfiInstructionKind.Register => CfiRule.InRegister(instruction.SourceRegister),
        CfiInstructionKind.Expression => CfiRule.AtExpression(instruction.Expression),
        _ => CfiRule.IsExpression(instruction.Expression),
    };

    private readonly void Set(uint register, CfiRule rule)
    {
        int index = CfiState.IndexOf(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rules), register);
        if (index >= 0)
            _rules[index] = new CfiRegisterRule(register, rule);
        else
            _rules.Insert(~index, new CfiRegisterRule(register, rule));
    }

    private readonly void Remove(uint register)
    {
        int index = CfiState.IndexOf(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rules), register);
        if (index >= 0)
            _rules.RemoveAt(index);
    }
}
