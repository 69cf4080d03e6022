namespace Rewriter.CallFrames;

/// <summary>
/// What a CFI instruction does, independent of its byte form: the reader maps every opcode
/// variant (offset / offset_extended / _sf / GNU_negative_offset_extended …) to one kind, and
/// <see cref="CfiWriter"/> picks the shortest form back.
/// </summary>
public enum CfiInstructionKind : byte
{
    Nop,
    /// <summary>Move the location forward by <see cref="CfiInstruction.Value"/> bytes.</summary>
    AdvanceLoc,
    /// <summary>Set the location to the address <see cref="CfiInstruction.Value"/>.</summary>
    SetLoc,
    DefCfa,
    DefCfaRegister,
    DefCfaOffset,
    DefCfaExpression,
    Undefined,
    SameValue,
    Offset,
    ValOffset,
    Register,
    Expression,
    ValExpression,
    Restore,
    RememberState,
    RestoreState,
    GnuArgsSize,
}

/// <summary>
/// One decoded CFI instruction. Offsets are in bytes (factored values already multiplied by the
/// data alignment factor); advances are in bytes (multiplied by the code alignment factor).
/// </summary>
public readonly record struct CfiInstruction(
    CfiInstructionKind Kind, uint Register = 0, long Offset = 0, ulong Value = 0, uint SourceRegister = 0,
    CfiExpression Expression = default)
{
    public static CfiInstruction Nop => new(CfiInstructionKind.Nop);
    public static CfiInstruction AdvanceLoc(ulong bytes) => new(CfiInstructionKind.AdvanceLoc, Value: bytes);
    public static CfiInstruction SetLoc(ulong address) => new(CfiInstructionKind.SetLoc, Value: address);
    public static CfiInstruction DefCfa(uint register, long offset) => new(CfiInstructionKind.DefCfa, register, offset);
    public static CfiInstruction DefCfaRegister(uint register) => new(CfiInstructionKind.DefCfaRegister, register);
    public static CfiInstruction DefCfaOffset(long offset) => new(CfiInstructionKind.DefCfaOffset, Offset: offset);
    public static CfiInstruction DefCfaExpression(CfiExpression expression) => new(CfiInstructionKind.DefCfaExpression, Expression: expression);
    public static CfiInstruction Undefined(uint register) => new(CfiInstructionKind.Undefined, register);
    public static CfiInstruction SameValue(uint register) => new(CfiInstructionKind.SameValue, register);
    public static CfiInstruction OffsetRule(uint register, long offset) => new(CfiInstructionKind.Offset, register, offset);
    public static CfiInstruction ValOffset(uint register, long offset) => new(CfiInstructionKind.ValOffset, register, offset);
    public static CfiInstruction InRegister(uint register, uint source) => new(CfiInstructionKind.Register, register, SourceRegister: source);
    public static CfiInstruction ExpressionRule(uint register, CfiExpression expression) => new(CfiInstructionKind.Expression, register, Expression: expression);
    public static CfiInstruction ValExpression(uint register, CfiExpression expression) => new(CfiInstructionKind.ValExpression, register, Expression: expression);
    public static CfiInstruction Restore(uint register) => new(CfiInstructionKind.Restore, register);
    public static CfiInstruction RememberState => new(CfiInstructionKind.RememberState);
    public static CfiInstruction RestoreState => new(CfiInstructionKind.RestoreState);
    public static CfiInstruction GnuArgsSize(ulong size) => new(CfiInstructionKind.GnuArgsSize, Value: size);

    /// <summary>The instruction that gives <paramref name="register"/> the rule <paramref name="rule"/>.</summary>
    public static CfiInstruction SetRule(uint register, CfiRule rule) => rule.Kind switch
    {
        CfiRuleKind.Undefined => Undefined(register),
        CfiRuleKind.SameValue => SameValue(register),
        CfiRuleKind.Offset => OffsetRule(register, rule.Offset),
        CfiRuleKind.ValOffset => ValOffset(register, rule.Offset),
        CfiRuleKind.Register => InRegister(register, rule.SourceRegister),
        CfiRuleKind.Expression => ExpressionRule(register, rule.Expression),
        _ => ValExpression(register, rule.Expression),
    };

    public override string ToString()
    {
        string reg = CfiRegisterNames.Name(Register);
        return Kind switch
        {
            CfiInstructionKind.AdvanceLoc => $"advance_loc {Value}",
            CfiInstructionKind.SetLoc => $"set_loc 0x{Value:x}",
            CfiInstructionKind.DefCfa => $"def_cfa {reg} {Offset:+0;-0}",
            CfiInstructionKind.DefCfaRegister => $"def_cfa_register {reg}",
            CfiInstructionKind.DefCfaOffset => $"def_cfa_offset {Offset:+0;-0}",
            CfiInstructionKind.DefCfaExpression => $"def_cfa_expression {Expression}",
            CfiInstructionKind.Offset or CfiInstructionKind.ValOffset => $"{Kind} {reg} {Offset:+0;-0}",
            CfiInstructionKind.Register => $"register {reg} {CfiRegisterNames.Name(SourceRegister)}",
            CfiInstructionKind.Expression or CfiInstructionKind.ValExpression => $"{Kind} {reg} {Expression}",
            CfiInstructionKind.Undefined or CfiInstructionKind.SameValue or CfiInstructionKind.Restore => $"{Kind} {reg}",
            CfiInstructionKind.GnuArgsSize => $"GNU_args_size {Value}",
            _ => Kind.ToString(),
        };
    }
}
