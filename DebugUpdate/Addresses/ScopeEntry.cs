using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Addresses;

/// <summary>
/// Where a scope is entered in the output (DW_AT_entry_pc). Its entry instruction translates like
/// any other, except when the layout dropped it: a jump at an inlined call's start that the new
/// block order made a fall-through shares its output address with whatever code now follows it,
/// which may lie outside the scope. Debuggers look the entry up in the scope's own ranges (gdb
/// shows no inline frame at a pc outside them), so the entry becomes the scope's first code at or
/// after that address. The rewriter writes this, and verify-debug expects it.
/// </summary>
public static class ScopeEntry
{
    /// <param name="translated">the entry instruction's output address</param>
    /// <param name="scope">the scope's output ranges (any order)</param>
    public static ulong InsideScope(ulong translated, IReadOnlyList<AddressRange> scope)
    {
        ulong? after = null, lowest = null;
        foreach (var range in scope)
        {
            if (range.IsEmpty)
                continue;
            if (range.Contains(translated))
                return translated;
            if (range.Start > translated && (after is null || range.Start < after))
                after = range.Start;
            if (lowest is null || range.Start < lowest)
                lowest = range.Start;
        }
        return after ?? lowest ?? translated;
    }
}
