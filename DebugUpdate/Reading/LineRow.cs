namespace Rewriter.DebugUpdate.Reading;

[Flags]
public enum LineRowFlags : byte
{
    None = 0,
    IsStmt = 1,
    BasicBlock = 2,
    EndSequence = 4,
    PrologueEnd = 8,
    EpilogueBegin = 16,
}

/// <summary>One row of the line-number matrix.</summary>
public readonly record struct LineRow(
    ulong Address,
    uint OpIndex,
    uint File,
    uint Line,
    uint Column,
    uint Discriminator,
    uint Isa,
    LineRowFlags Flags)
{
    public bool IsStmt => (Flags & LineRowFlags.IsStmt) != 0;
    public bool IsEndSequence => (Flags & LineRowFlags.EndSequence) != 0;
}
