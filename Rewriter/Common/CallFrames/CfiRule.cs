namespace Rewriter.CallFrames;

/// <summary>How the caller's value of a register is recovered (DWARF 5 §6.4.1).</summary>
/// <remarks>"Unspecified" is not a kind: a state simply has no rule for such a register.</remarks>
public enum CfiRuleKind : byte
{
    Undefined,
    SameValue,
    /// <summary>Saved at address CFA + Offset.</summary>
    Offset,
    /// <summary>The value is CFA + Offset.</summary>
    ValOffset,
    /// <summary>Saved in register <see cref="CfiRule.SourceRegister"/>.</summary>
    Register,
    /// <summary>Saved at the address the expression computes.</summary>
    Expression,
    /// <summary>The value is what the expression computes.</summary>
    ValExpression,
}

/// <summary>One register rule; offsets are in bytes (already multiplied by the data alignment factor).</summary>
public readonly record struct CfiRule(CfiRuleKind Kind, long Offset = 0, uint SourceRegister = 0, CfiExpression Expression = default)
{
    public static CfiRule Undefined => new(CfiRuleKind.Undefined);
    public static CfiRule SameValue => new(CfiRuleKind.SameValue);
    public static CfiRule AtCfaOffset(long offset) => new(CfiRuleKind.Offset, offset);
    public static CfiRule IsCfaOffset(long offset) => new(CfiRuleKind.ValOffset, offset);
    public static CfiRule InRegister(uint register) => new(CfiRuleKind.Register, SourceRegister: register);
    public static CfiRule AtExpression(CfiExpression expression) => new(CfiRuleKind.Expression, Expression: expression);
    public static CfiRule IsExpression(CfiExpression expression) => new(CfiRuleKind.ValExpression, Expression: expression);

    public override string ToString() => Kind switch
    {
        CfiRuleKind.Undefined => "undefined",
        CfiRuleKind.SameValue => "same",
        CfiRuleKind.Offset => $"[CFA{Offset:+0;-0}]",
        CfiRuleKind.ValOffset => $"CFA{Offset:+0;-0}",
        CfiRuleKind.Register => CfiRegisterNames.Name(SourceRegister),
        CfiRuleKind.Expression => $"[expr {Expression}]",
        _ => $"expr {Expression}",
    };
}

/// <summary>A register and the rule that recovers it.</summary>
public readonly record struct CfiRegisterRule(uint Register, CfiRule Rule)
{
    public override string ToString() => $"{CfiRegisterNames.Name(Register)}={Rule}";
}

public enum CfaRuleKind : byte
{
    /// <summary>No DW_CFA_def_cfa seen yet (only before the CIE's initial instructions).</summary>
    Unset,
    RegisterOffset,
    Expression,
}

/// <summary>How the canonical frame address is computed.</summary>
public readonly record struct CfaRule(CfaRuleKind Kind, uint Register = 0, long Offset = 0, CfiExpression Expression = default)
{
    public static CfaRule RegisterPlus(uint register, long offset) => new(CfaRuleKind.RegisterOffset, register, offset);
    public static CfaRule FromExpression(CfiExpression expression) => new(CfaRuleKind.Expression, Expression: expression);

    public override string ToString() => Kind switch
    {
        CfaRuleKind.Unset => "unset",
        CfaRuleKind.RegisterOffset => Offset == 0 ? CfiRegisterNames.Name(Register) : $"{CfiRegisterNames.Name(Register)}{Offset:+0;-0}",
        _ => $"expr {Expression}",
    };
}
