namespace Rewriter.CallFrames;

/// <summary>
/// The parameters a CIE fixes for its CFI programs: the alignment factors operands are scaled by
/// and the pointer encoding of DW_CFA_set_loc (the CIE's FDE encoding).
/// </summary>
public readonly record struct CfiEncoding(ulong CodeAlignment, long DataAlignment, byte AddressEncoding = PointerEncoding.Absolute)
{
    /// <summary>What GCC and clang emit on x86-64: code factor 1, data factor -8.</summary>
    public static CfiEncoding X86_64 => new(1, -8, PointerEncoding.PcRelative | PointerEncoding.SData4);

    public static CfiEncoding Of(Cie cie) => new(cie.CodeAlignment, cie.DataAlignment, cie.FdeEncoding);
}
