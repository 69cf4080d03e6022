namespace Rewriter.CallFrames;

/// <summary>Which of the two sections holding DWARF call frame information an entry came from.</summary>
public enum CallFrameSection : byte
{
    /// <summary>.eh_frame (GCC/LSB): CIE id 0, CIE pointers relative to their field, pointer encodings.</summary>
    EhFrame,
    /// <summary>.debug_frame (DWARF): CIE id all ones, CIE pointers are section offsets, absolute addresses.</summary>
    DebugFrame,
}

/// <summary>A Common Information Entry. Instruction bytes are kept as a range of the section.</summary>
public sealed record Cie(
    int Offset, byte Version, string Augmentation, ulong CodeAlignment, long DataAlignment,
    ulong ReturnAddressRegister, byte FdeEncoding, byte LsdaEncoding, byte PersonalityEncoding,
    ulong Personality, bool IsSignalFrame, int InstructionsOffset, int InstructionsLength)
{
    /// <summary>The entry's end in the section (its instructions come last).</summary>
    public int End => InstructionsOffset + InstructionsLength;
}

/// <summary>A Frame Description Entry: the code range it covers, its LSDA and CFI instructions.</summary>
public sealed record Fde(
    int Offset, Cie Cie, ulong PcBegin, ulong PcRange, ulong? Lsda, int InstructionsOffset, int InstructionsLength)
{
    public ulong PcEnd => PcBegin + PcRange;

    /// <summary>The entry has the 64-bit DWARF format (a 0xffffffff escape before an 8-byte length).</summary>
    public bool IsDwarf64 { get; init; }
}

public sealed record CallFrameTable(ulong SectionAddress, IReadOnlyList<Cie> Cies, IReadOnlyList<Fde> Fdes);
