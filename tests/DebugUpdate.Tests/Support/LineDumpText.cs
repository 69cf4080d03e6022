using System.Globalization;
using System.Text.RegularExpressions;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>Rows of `llvm-dwarfdump-22 --debug-line`, keyed by line-table offset.</summary>
internal static partial class LineDumpText
{
    public static Dictionary<ulong, List<(ulong Address, uint Line, uint Column, uint File, uint Discriminator, LineRowFlags Flags)>> Parse(string text)
    {
        var tables = new Dictionary<ulong, List<(ulong, uint, uint, uint, uint, LineRowFlags)>>();
        List<(ulong, uint, uint, uint, uint, LineRowFlags)>? current = null;
        foreach (var line in text.Split('\n'))
        {
            Match m;
            if ((m = TableLine().Match(line)).Success)
                tables[Convert.ToUInt64(m.Groups[1].Value, 16)] = current = [];
            else if ((m = RowLine().Match(line)).Success && current is not null)
            {
                var flags = LineRowFlags.None;
                foreach (var flag in m.Groups[8].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    flags |= flag switch
                    {
                        "is_stmt" => LineRowFlags.IsStmt,
                        "basic_block" => LineRowFlags.BasicBlock,
                        "end_sequence" => LineRowFlags.EndSequence,
                        "prologue_end" => LineRowFlags.PrologueEnd,
                        "epilogue_begin" => LineRowFlags.EpilogueBegin,
                        _ => throw new FormatException(flag),
                    };
                }
                current.Add((Convert.ToUInt64(m.Groups[1].Value, 16), uint.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture),
                    uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), uint.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture),
                    uint.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture), flags));
            }
        }
        return tables;
    }

    [GeneratedRegex(@"^debug_line\[0x([0-9a-f]+)\]")]
    private static partial Regex TableLine();

    [GeneratedRegex(@"^0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$")]
    private static partial Regex RowLine();
}
