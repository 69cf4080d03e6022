using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>One side of a comparison: a program's debug sections and, for split DWARF, its .dwo files or .dwp package.</summary>
public sealed record DebugInput(DebugSections Main, IReadOnlyList<DebugSections> SplitFiles)
{
    public DebugInput(DebugSections main) : this(main, []) { }

    public static implicit operator DebugInput(DebugSections main) => new(main);
}
