using Rewriter.Diagnostics;
using Rewriter.Model;

namespace Rewriter.Passes.Functions;

/// <summary>
/// `--function-order=FILE`: one function name per line, as the symbol table or a profile spells
/// it (`name`, `name/N`, `name/file/N`). Blank lines and lines starting with `#` are skipped; a
/// name listed twice counts once; an unknown name is a warning, not an error.
/// </summary>
public static class FunctionOrderFile
{
    /// <summary>At most this many unknown names are reported one by one.</summary>
    private const int MaxUnknownWarnings = 10;

    public static List<FunctionId> Read(string path, BinaryContext context, IReadOnlyList<FunctionId> candidates, Log log)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileAccessException(path, "--function-order", $"cannot read: {e.Message}");
        }
        return Resolve(lines, path, context, candidates, log);
    }

    public static List<FunctionId> Resolve(IReadOnlyList<string> lines, string fileName, BinaryContext context, IReadOnlyList<FunctionId> candidates, Log log)
    {
        // Lowest function id wins when two functions share a name (local symbols).
        var byName = new Dictionary<string, FunctionId>(StringComparer.Ordinal);
        foreach (var id in candidates.OrderBy(id => id.Value))
        {
            var function = context.Functions[id.Value];
            foreach (var name in function.Names.Concat(function.ProfileNames))
                byName.TryAdd(name, id);
        }

        var order = new List<FunctionId>();
        var placed = new HashSet<FunctionId>();
        int unknown = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            string name = lines[i].Trim();
            if (name.Length == 0 || name.StartsWith('#'))
                continue;
            if (!byName.TryGetValue(name, out var id))
            {
                if (++unknown <= MaxUnknownWarnings)
                    log.Warning($"--function-order: {fileName}:{i + 1}: no function named '{name}'");
                continue;
            }
            if (placed.Add(id))
                order.Add(id);
        }
        if (unknown > MaxUnknownWarnings)
            log.Warning($"--function-order: {fileName}: {unknown - MaxUnknownWarnings} more unknown function names");
        return order;
    }
}
