namespace Rewriter.DebugUpdate.Verification;

/// <summary>The checks verify-debug makes; each difference belongs to one, and the summary counts them.</summary>
public enum DifferenceKind
{
    /// <summary>Units or DIE trees are shaped differently (counts, tags).</summary>
    Structure,
    /// <summary>An attribute changed, appeared or disappeared (names, types, decl_line, references, constants...).</summary>
    Attribute,
    /// <summary>A location expression (exprloc) says something else, operand by operand.</summary>
    Expression,
    /// <summary>An original line-table row has no equal row at its translated address.</summary>
    LineTable,
    /// <summary>A DIE's code ranges (or a single code address) do not cover exactly the translated original.</summary>
    Ranges,
    /// <summary>A location list does not translate like the original (coverage, pieces, views).</summary>
    LocationList,
    /// <summary>The output describes code that the original did not.</summary>
    Extra,
    /// <summary>The output breaks a rule llvm-dwarfdump --verify checks (low_pc &gt; high_pc, entry_pc outside its scope...).</summary>
    Invalid,
    /// <summary>.debug_aranges does not cover exactly its compile unit's ranges.</summary>
    Aranges,
    /// <summary>.debug_names entries do not name the same DIEs and names as in the original, or disagree with their DIE.</summary>
    Names,
    /// <summary>.gdb_index symbols or address area differ from the original or from the compile units.</summary>
    GdbIndex,
    /// <summary>.debug_frame gives another unwind state (CFA or register rule) at a translated address than the original.</summary>
    CallFrame,
}

/// <summary>One difference, located by a DIE path such as "CU foo.c / subprogram main / lexical_block".</summary>
public sealed record VerificationDifference(DifferenceKind Kind, string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
