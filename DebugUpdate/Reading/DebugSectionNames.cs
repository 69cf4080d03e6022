namespace Rewriter.DebugUpdate.Reading;

/// <summary>The section names the reader understands; split-DWARF variants carry a ".dwo" suffix.</summary>
public static class DebugSectionNames
{
    public const string Info = ".debug_info";
    public const string Abbrev = ".debug_abbrev";
    public const string Str = ".debug_str";
    public const string Line = ".debug_line";
    public const string LineStr = ".debug_line_str";
    public const string Ranges = ".debug_ranges";
    public const string Rnglists = ".debug_rnglists";
    public const string Loc = ".debug_loc";
    public const string Loclists = ".debug_loclists";
    public const string Addr = ".debug_addr";
    public const string StrOffsets = ".debug_str_offsets";
    public const string Aranges = ".debug_aranges";
    public const string Names = ".debug_names";
    public const string GdbIndex = ".gdb_index";
    public const string Types = ".debug_types";
    public const string CuIndex = ".debug_cu_index";
    public const string TuIndex = ".debug_tu_index";
    public const string Macro = ".debug_macro";
    public const string Macinfo = ".debug_macinfo";

    public const string DwoSuffix = ".dwo";

    /// <summary>Every name a caller may hand over (main-file names, then their .dwo variants).</summary>
    public static readonly IReadOnlyList<string> All = BuildAll();

    public static string Dwo(string name) => name + DwoSuffix;

    /// <summary>The section a column of a package index (DW_SECT_*) stands for, without its ".dwo".</summary>
    public static string Of(DwSect section) => section switch
    {
        DwSect.Info => Info,
        DwSect.Types => Types,
        DwSect.Abbrev => Abbrev,
        DwSect.Line => Line,
        DwSect.Loc => Loc,
        DwSect.Loclists => Loclists,
        DwSect.StrOffsets => StrOffsets,
        DwSect.Macro => Macro,
        DwSect.Macinfo => Macinfo,
        DwSect.Rnglists => Rnglists,
        _ => throw new ArgumentOutOfRangeException(nameof(section), section, "not a section of a package"),
    };

    private static string[] BuildAll()
    {
        string[] main =
        [
            Info, Abbrev, Str, Line, LineStr, Ranges, Rnglists, Loc, Loclists, Addr, StrOffsets,
            Aranges, Names, GdbIndex, Types, CuIndex, TuIndex,
        ];
        string[] splittable = [Info, Abbrev, Str, Line, Loc, Loclists, Rnglists, StrOffsets, Types, Macro];
        return [.. main, .. splittable.Select(Dwo)];
    }
}
