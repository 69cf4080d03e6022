using System.Text.RegularExpressions;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>The parts of `llvm-dwarfdump-22 --debug-info` text output the tests compare against.</summary>
internal sealed partial class DwarfDumpText
{
    public sealed record Die(ulong Offset, string Tag, Dictionary<string, string> Attributes);

    public sealed record Unit(string Section, ulong Offset, List<Die> Dies);

    public List<Unit> Units { get; } = [];

    public static DwarfDumpText Run(string file, params string[] options)
    {
        // A DWARF 4 .dwo dumped without its skeleton has no .debug_ranges: dwarfdump reports each
        // DW_AT_ranges it cannot decode and exits 1, but the rest of its dump is complete.
        var tolerated = file.EndsWith(".dwo", StringComparison.Ordinal) || file.EndsWith(".dwp", StringComparison.Ordinal)
            ? UnresolvableSplitRanges()
            : null;
        string text = Tools.RunTolerating(Tools.DwarfDump, Path.GetDirectoryName(file)!, tolerated, [.. options, file]);
        return Parse(text);
    }

    [GeneratedRegex(@"^error: decoding address ranges: invalid range list offset 0x[0-9a-f]+$")]
    private static partial Regex UnresolvableSplitRanges();

    public static DwarfDumpText Parse(string text)
    {
        var dump = new DwarfDumpText();
        string section = "";
        Unit? unit = null;
        Die? die = null;
        string? lastAttribute = null;
        foreach (var line in text.Split('\n'))
        {
            Match m;
            if ((m = SectionLine().Match(line)).Success)
            {
                section = m.Groups[1].Value;
                unit = null;
                die = null;
            }
            else if ((m = UnitLine().Match(line)).Success)
            {
                unit = new Unit(section, Convert.ToUInt64(m.Groups[1].Value, 16), []);
                dump.Units.Add(unit);
                die = null;
            }
            else if ((m = DieLine().Match(line)).Success && unit is not null)
            {
                die = null;
                if (m.Groups[2].Value != "NULL")
                {
                    lastAttribute = null;
                    die = new Die(Convert.ToUInt64(m.Groups[1].Value, 16), m.Groups[2].Value, []);
                    unit.Dies.Add(die);
                }
            }
            else if ((m = AttributeLine().Match(line)).Success && die is not null)
            {
                string value = m.Groups[2].Value;
                lastAttribute = m.Groups[1].Value;
                if (!die.Attributes.TryAdd(lastAttribute, value.EndsWith(')') ? value[..^1] : value))
                    lastAttribute = null;
            }
            else if (die is not null && lastAttribute is not null && line.StartsWith(' ') && line.Trim().Length > 0)
            {
                // Continuation of a multi-line value (range and location lists).
                die.Attributes[lastAttribute] += "\n" + line.Trim();
            }
        }
        return dump;
    }

    /// <summary>Every "[0xSTART, 0xEND)" pair in a value, in order.</summary>
    public static List<(ulong Start, ulong End)> Ranges(string value) =>
        RangePair().Matches(value).Select(m => (Convert.ToUInt64(m.Groups[1].Value, 16), Convert.ToUInt64(m.Groups[2].Value, 16))).ToList();

    [GeneratedRegex(@"\[0x([0-9a-f]+), 0x([0-9a-f]+)\)")]
    private static partial Regex RangePair();

    [GeneratedRegex(@"^(\.debug_\w+(?:\.dwo)?) contents:")]
    private static partial Regex SectionLine();

    [GeneratedRegex(@"^0x([0-9a-f]+): .*Unit: length")]
    private static partial Regex UnitLine();

    [GeneratedRegex(@"^0x([0-9a-f]+):\s+(DW_TAG_\w+|NULL)")]
    private static partial Regex DieLine();

    [GeneratedRegex(@"^\s+(DW_AT_\w+)\t\((.*)$")]
    private static partial Regex AttributeLine();
}
