using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>Describes a DIE by content ("subprogram main", "base_type int") for messages.</summary>
internal static class TypeDescriber
{
    public static string DescribeOne(DwarfUnit unit, int die)
    {
        string tag = DwarfNames.ShortName(unit.TagOf(die));
        string? name = unit.GetName(die);
        if (name is null && unit.TryGetAttribute(die, DwAt.LinkageName, out var linkage))
            name = unit.GetString(in linkage);
        return name is null ? tag : $"{tag} {name}";
    }
}
