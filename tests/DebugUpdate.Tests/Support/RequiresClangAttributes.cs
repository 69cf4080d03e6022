namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>A fact that is skipped (not failed) only when clang-22 is genuinely absent.</summary>
public sealed class ClangFactAttribute : FactAttribute
{
    public ClangFactAttribute()
    {
        if (!Tools.HasClang)
            Skip = "clang-22 is not installed";
    }
}

/// <summary>A theory that is skipped (not failed) only when clang-22 is genuinely absent.</summary>
public sealed class ClangTheoryAttribute : TheoryAttribute
{
    public ClangTheoryAttribute()
    {
        if (!Tools.HasClang)
            Skip = "clang-22 is not installed";
    }
}
