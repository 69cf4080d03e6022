using System.Globalization;
using Rewriter.Diagnostics;

namespace Rewriter.Profile;

/// <summary>
/// Reads BOLT's .fdata: space-separated fields, `\ ` escaping spaces in names, offsets in hex,
/// counts in decimal. An optional first line `no_lbr [event]` switches to sample records.
/// Memory-event records (kinds 3–5) are skipped. An unreadable line is an error naming the
/// file and line.
/// </summary>
public static class FdataReader
{
    public static ProfileData Read(string path)
    {
        IEnumerable<string> lines;
        try
        {
            lines = File.ReadLines(path);
        }
        catch (FileNotFoundException) { throw new FileAccessException(path, "profile", "no such file"); }
        catch (DirectoryNotFoundException) { throw new FileAccessException(path, "profile", "no such file"); }
        catch (UnauthorizedAccessException) { throw new FileAccessException(path, "profile", "permission denied"); }
        return Parse(lines, path);
    }

    public static ProfileData Parse(IEnumerable<string> lines, string path)
    {
        var branches = new List<BranchRecord>();
        var samples = new List<SampleRecord>();
        bool sampleMode = false;
        string? sampleEvent = null;
        int number = 0;
        var fields = new List<string>(8);
        foreach (var line in lines)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
                continue;
            if (number == 1 && line.StartsWith("no_lbr", StringComparison.Ordinal))
            {
                sampleMode = true;
                string rest = line[6..].Trim();
                sampleEvent = rest.Length > 0 ? rest : null;
                continue;
            }
            if (number == 1 && line.StartsWith("boltedcollection", StringComparison.Ordinal))
                continue;

            Split(line, fields);
            string where = $"line {number}";
            if (fields.Count > 0 && fields[0] is "3" or "4" or "5")
                continue; // memory events
            if (sampleMode)
            {
                if (fields.Count != 4)
                    throw new InputFormatException(where, $"expected `kind name offset count`, found {fields.Count} fields", path);
                samples.Add(new SampleRecord(Location(fields, 0, where, path), Count(fields[3], where, path)));
            }
            else
            {
                if (fields.Count != 8)
                    throw new InputFormatException(where, $"expected `kind name offset kind name offset mispredicts count`, found {fields.Count} fields", path);
                branches.Add(new BranchRecord(Location(fields, 0, where, path), Location(fields, 3, where, path),
                    Count(fields[6], where, path), Count(fields[7], where, path)));
            }
        }
        return new ProfileData { IsSampleProfile = sampleMode, SampleEvent = sampleEvent, Branches = branches, Samples = samples };
    }

    private static ProfileLocation Location(List<string> fields, int first, string where, string path)
    {
        if (!int.TryParse(fields[first], NumberStyles.None, CultureInfo.InvariantCulture, out int kind) || kind > 2)
            throw new InputFormatException(where, $"location kind `{fields[first]}` is not 0, 1 or 2", path);
        if (!ulong.TryParse(fields[first + 2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong offset))
            throw new InputFormatException(where, $"offset `{fields[first + 2]}` is not hexadecimal", path);
        return new ProfileLocation(kind, fields[first + 1], offset);
    }

    private static ulong Count(string field, string where, string path) =>
        ulong.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value)
            ? value
            : throw new InputFormatException(where, $"count `{field}` is not a decimal number", path);

    /// <summary>Splits on spaces, keeping `\ ` inside a field as a space.</summary>
    private static void Split(string line, List<string> fields)
    {
        fields.Clear();
        var current = new System.Text.StringBuilder();
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\\' && i + 1 < line.Length && line[i + 1] == ' ')
            {
                current.Append(' ');
                i++;
            }
            else if (c is ' ' or '\t')
            {
                if (current.Length > 0)
                {
                    fields.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }
        if (current.Length > 0)
            fields.Add(current.ToString());
    }
}
