using System.Text;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Describes what a reference attribute points at, by content rather than offset ("pointer_type →
/// const_type → base_type char"), so that two files whose DIE offsets differ still compare equal.
/// </summary>
internal static class TypeDescriber
{
    private const int MaxChain = 64;

    /// <summary>Describes a DW_AT_type chain; throws DwarfFormatException on a reference cycle.</summary>
    public static string DescribeTypeChain(DwarfUnit unit, int die)
    {
        var builder = new StringBuilder();
        var visited = new HashSet<(DwarfUnit, int)>();
        var current = (unit, die);
        for (int step = 0; ; step++)
        {
            var (u, d) = current;
            if (!visited.Add(current))
                throw u.Info.Error(u.SectionOffsetOf(d), "reference cycle in DW_AT_type chain");
            if (step > 0)
                builder.Append(" -> ");
            builder.Append(DescribeOne(u, d));
            if (step >= MaxChain || !u.TryGetAttribute(d, DwAt.Type, out var type))
                return builder.ToString();
            current = u.ResolveReference(in type);
        }
    }

    /// <summary>Describes one referenced DIE as "tag name".</summary>
    public static string DescribeOne(DwarfUnit unit, int die)
    {
        string tag = DwarfNames.ShortName(unit.TagOf(die));
        string? name = unit.GetName(die);
        if (name is null && unit.TryGetAttribute(die, DwAt.LinkageName, out var linkage))
            name = unit.GetString(in linkage);
        return name is null ? tag : $"{tag} {name}";
    }
}
