using Rewriter.Common;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Non-relocation mode: which functions may be rewritten in place. Without static relocations
/// nothing tells us every reference into a function, so a function is rewritten only when all we
/// can see says that control enters it at its entry alone — its inner addresses may change, its
/// entry does not. Refused: a function with a secondary entry, an FDE that does not start at its
/// entry, a jump table shared with another function, an entry block that is not first, a range
/// that overlaps another function, a reference from other code into its middle (a branch, an
/// address operand, a jump-table entry), or an 8-byte word of allocated data that may hold a code
/// address (<see cref="DataCodePointers"/>) and names an address inside it other than its own
/// jump tables' entries.
/// Code we could not decode, and pointers we cannot recognize as such (4-byte or computed), are
/// not seen: the same assumption llvm-bolt makes in this mode.
/// </summary>
public static class InPlaceEligibility
{
    /// <summary>The candidates that may not be rewritten in place, each with the first reason found.</summary>
    public static Dictionary<FunctionId, string> Refusals(BinaryContext context, BinaryLayout layout, IReadOnlyList<BinaryFunction> candidates)
    {
        var refusals = new Dictionary<FunctionId, string>();
        void Refuse(BinaryFunction function, string reason) => refusals.TryAdd(function.Id, reason);
        var sorted = candidates.OrderBy(f => f.Address).ToArray();
        BinaryFunction? Inside(ulong address)
        {
            int index = SortedSearch.UpperBound<BinaryFunction, ulong>(sorted, address, static (in BinaryFunction f) => f.End);
            return index < sorted.Length && sorted[index].Address < address ? sorted[index] : null;
        }

        var tableOwners = new Dictionary<ulong, List<BinaryFunction>>();
        foreach (var function in context.Functions)
            foreach (var table in function.Body?.JumpTables ?? [])
            {
                if (!tableOwners.TryGetValue(table.Address, out var owners))
                    tableOwners[table.Address] = owners = [];
                if (!owners.Contains(function))
                    owners.Add(function);
            }

        foreach (var function in sorted)
        {
            if (function.SecondaryEntries.Count > 0)
                Refuse(function, $"it has a secondary entry at 0x{function.SecondaryEntries[0]:x}");
            if (function.Fde is { } fde && fde.PcBegin != function.Address)
                Refuse(function, $"its FDE starts at 0x{fde.PcBegin:x}, not at its entry");
            if (layout[function.Id] is { BlockOrder: [not 0, ..] })
                Refuse(function, "its layout does not keep the entry block first");
            foreach (var table in function.Body!.JumpTables)
                if (tableOwners[table.Address].FirstOrDefault(f => f != function) is { } other)
                    Refuse(function, $"its jump table at 0x{table.Address:x} is shared with {other.Name}");
        }

        // Its bytes are overwritten up to its end, which must not reach into another function.
        var starts = context.Functions.Select(f => f.Address).Distinct().Order().ToArray();
        foreach (var function in sorted)
        {
            int next = Array.BinarySearch(starts, function.Address + 1);
            next = next < 0 ? ~next : next;
            if (next < starts.Length && starts[next] < function.End)
                Refuse(function, $"its range [0x{function.Address:x}, 0x{function.End:x}) overlaps the function at 0x{starts[next]:x}");
        }

        // Code we decoded that refers into the middle of a candidate.
        foreach (var function in context.Functions)
        {
            if (function.Body is not { } body)
                continue;
            for (int i = 0; i < body.References.Length; i++)
            {
                var reference = body.References[i];
                if (reference.Kind == ReferenceKind.None)
                    continue;
                ulong target = reference.Kind == ReferenceKind.Address && body.Instructions[i].IsIPRelativeMemoryOperand
                    ? body.Instructions[i].IPRelativeMemoryAddress : reference.Target;
                if (Inside(target) is { } inner && inner != function)
                    Refuse(inner, $"code at 0x{body.Instructions[i].IP:x} in {function.Name} refers to 0x{target:x} inside it");
            }
            foreach (var table in body.JumpTables)
                foreach (ulong target in table.Targets)
                    if (Inside(target) is { } inner && inner != function)
                        Refuse(inner, $"a jump table of {function.Name} at 0x{table.Address:x} names 0x{target:x} inside it");
        }

        // Pointers in data. Entries of the candidates' own jump tables are patched, so they are fine.
        var tables = sorted.SelectMany(f => f.Body!.JumpTables)
            .Select(t => (Start: t.Address, End: t.Address + (ulong)(t.Targets.Count * t.EntrySize))).ToList();
        bool InJumpTable(ulong address) => tables.Any(t => address >= t.Start && address < t.End);
        void CheckPointer(ulong place, ulong value, string where)
        {
            if (Inside(value) is { } inner && !InJumpTable(place))
                Refuse(inner, $"{where} at 0x{place:x} names 0x{value:x} inside it");
        }

        ulong low = sorted.Length > 0 ? sorted[0].Address : 1, high = sorted.Length > 0 ? sorted[^1].End : 0;
        DataCodePointers.Visit(context.Elf, low, high, CheckPointer);
        return refusals;
    }
}
