using Rewriter.Diagnostics;
using Rewriter.Model;

namespace Rewriter.Reports;

/// <summary>How many functions are simple, and why the others are not.</summary>
public static class FunctionSummary
{
    public static void Report(BinaryContext context, Log log, TextWriter? everyFunction)
    {
        var regular = context.Functions.Where(f => f.Kind != FunctionKind.Plt && !f.IsSkipped).ToList();
        int simple = regular.Count(f => f.IsSimple);
        int skipped = context.Functions.Count(f => f.IsSkipped);
        string lite = skipped > 0 ? $"; {skipped} without a profile left as they are (lite mode)" : "";
        log.Info($"functions: {regular.Count} analysed ({simple} simple, {regular.Count - simple} non-simple, {100.0 * simple / Math.Max(1, regular.Count):F1}% simple); {context.Functions.Count(f => f.Kind == FunctionKind.Plt)} PLT entries{lite}");
        foreach (var group in regular.Where(f => !f.IsSimple).GroupBy(f => Category(f.NonSimpleReason!)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            log.Info($"non-simple: {group.Count()} x {group.Key}");
        if (everyFunction != null)
            foreach (var function in regular.Where(f => !f.IsSimple))
                everyFunction.WriteLine($"non-simple function {function.Name} at 0x{function.Address:x}: {function.NonSimpleReason}");
    }

    /// <summary>The reason without its addresses, so like reasons group together.</summary>
    private static string Category(string reason)
    {
        int at = reason.IndexOf(" at 0x", StringComparison.Ordinal);
        string head = at > 0 ? reason[..at] : reason;
        return System.Text.RegularExpressions.Regex.Replace(head, "0x[0-9a-f]+", "…");
    }
}
