using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>Human-readable DIE locations: "CU foo.c / subprogram main / lexical_block".</summary>
internal static class DiePaths
{
    public static string Of(DwarfUnit unit, int die)
    {
        var dies = unit.Dies;
        var parts = new List<string>();
        for (int d = die; d >= 0; d = dies.Parent(d))
            parts.Add(Segment(unit, d));
        parts.Reverse();
        if (unit.Skeleton is { } skeleton && parts.Count > 0)
            parts[0] = $"{parts[0]} (split unit of {Segment(skeleton, 0)})";
        return string.Join(" / ", parts);
    }

    public static string Segment(DwarfUnit unit, int die)
    {
        var tag = unit.TagOf(die);
        string? name = SafeName(unit, die);
        string label = tag switch
        {
            DwTag.CompileUnit or DwTag.SkeletonUnit or DwTag.PartialUnit => "CU",
            DwTag.TypeUnit => "TU",
            _ => DwarfNames.ShortName(tag),
        };
        var builder = new StringBuilder(label);
        if (name is not null)
            builder.Append(' ').Append(name);
        else if (label is "CU" or "TU")
            builder.Append(" 0x").Append(unit.Offset.ToString("x"));
        return builder.ToString();
    }

    private static string? SafeName(DwarfUnit unit, int die)
    {
        // Paths are for messages: a broken name must not hide the difference being reported.
        try
        {
            return unit.GetName(die);
        }
        catch (DwarfFormatException)
        {
            return "<bad name>";
        }
    }
}
