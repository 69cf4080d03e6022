using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Partitioning;

/// <summary>
/// Splits a file's units into buckets that can be rebuilt independently: the connected components of
/// "refers to a DIE of" (DW_FORM_ref_addr), "shares a line table with" and "shares an address
/// table with". A unit whose abbreviations have no DW_FORM_ref_addr is not scanned. Buckets are
/// ordered by their first unit.
/// </summary>
public static class UnitPartitioner
{
    public static List<int[]> Partition(DwarfFile file, SharedContributions shared)
    {
        var units = file.Units;
        var parent = new int[units.Count];
        for (int i = 0; i < parent.Length; i++)
            parent[i] = i;

        int Find(int x)
        {
            while (parent[x] != x)
                x = parent[x] = parent[parent[x]];
            return x;
        }
        void Union(int a, int b)
        {
            int ra = Find(a), rb = Find(b);
            // The lower unit index is the root: roots are stable whatever the union order.
            if (ra != rb)
                parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
        }

        foreach (var unit in units)
        {
            if (shared.LineTableOwner(unit) is var lineOwner and >= 0)
                Union(lineOwner, unit.Index);
            // Units naming one address table share its pool (clang -flto: one table for all).
            if (shared.SharesAddressTable(unit, out int tableOwner))
                Union(tableOwner, unit.Index);
            if (!unit.Abbreviations.HasRefAddr)
                continue;
            var scanner = unit.Scan();
            while (scanner.NextDie())
            {
                if (!scanner.Abbreviation!.HasRefAddr)
                    continue;
                while (scanner.NextAttribute(out var attribute))
                {
                    if (attribute.Kind != AttributeValueKind.InfoReference)
                        continue;
                    var target = file.FindUnitContaining((long)Math.Min(attribute.Value, long.MaxValue), unit.IsTypeSectionUnit);
                    if (target is null)
                        throw unit.Info.Error(attribute.ValueOffset, $"reference 0x{attribute.Value:x} does not point into a unit");
                    Union(unit.Index, target.Index);
                }
            }
        }

        // A root is its bucket's lowest unit, so buckets appear in order of their first unit.
        // PERF: plain lists, no sorted dictionary: its enumerators are generic code the precompiled image lacks.
        var bucketOfRoot = new int[units.Count];
        Array.Fill(bucketOfRoot, -1);
        var buckets = new List<List<int>>();
        for (int i = 0; i < units.Count; i++)
        {
            int root = Find(i);
            if (bucketOfRoot[root] < 0)
            {
                bucketOfRoot[root] = buckets.Count;
                buckets.Add([]);
            }
            buckets[bucketOfRoot[root]].Add(i);
        }
        return buckets.ConvertAll(b => b.ToArray());
    }
}
