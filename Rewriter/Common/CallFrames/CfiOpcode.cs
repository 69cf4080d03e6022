namespace Rewriter.CallFrames;

/// <summary>DW_CFA_* opcode bytes (DWARF 5 §6.4.2 plus the GNU extensions found in .eh_frame).</summary>
public static class CfiOpcode
{
    // The three "primary" opcodes keep their operand in the low six bits.
    public const byte AdvanceLoc = 0x40, Offset = 0x80, Restore = 0xc0;
    public const byte PrimaryMask = 0xc0, LowBitsMask = 0x3f;

    public const byte Nop = 0x00, SetLoc = 0x01, AdvanceLoc1 = 0x02, AdvanceLoc2 = 0x03, AdvanceLoc4 = 0x04,
        OffsetExtended = 0x05, RestoreExtended = 0x06, Undefined = 0x07, SameValue = 0x08, Register = 0x09,
        RememberState = 0x0a, RestoreState = 0x0b, DefCfa = 0x0c, DefCfaRegister = 0x0d, DefCfaOffset = 0x0e,
        DefCfaExpression = 0x0f, Expression = 0x10, OffsetExtendedSf = 0x11, DefCfaSf = 0x12, DefCfaOffsetSf = 0x13,
        ValOffset = 0x14, ValOffsetSf = 0x15, ValExpression = 0x16;

    public const byte GnuWindowSave = 0x2d, GnuArgsSize = 0x2e, GnuNegativeOffsetExtended = 0x2f;
}
