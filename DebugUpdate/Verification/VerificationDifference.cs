namespace Rewriter.DebugUpdate.Verification;

public enum DifferenceKind
{
    /// <summary>Units or DIE trees are shaped differently (counts, tags).</summary>
    Structure,
    /// <summary>A name, type or other describing attribute changed.</summary>
    Attribute,
    /// <summary>An original line-table row has no equal row at its translated address.</summary>
    LineTable,
    /// <summary>A DIE's code ranges (or a single code address) do not cover exactly the translated original.</summary>
    Ranges,
    /// <summary>A location list does not translate like the original.</summary>
    LocationList,
    /// <summary>The output describes code that the original did not.</summary>
    Extra,
    /// <summary>The output breaks a rule llvm-dwarfdump --verify checks (low_pc &gt; high_pc, entry_pc outside its scope...).</summary>
    Invalid,
}

/// <summary>One difference, located by a DIE path such as "CU foo.c / subprogram main / lexical_block".</summary>
public sealed record VerificationDifference(DifferenceKind Kind, string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
