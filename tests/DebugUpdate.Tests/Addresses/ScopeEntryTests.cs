using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Addresses;

public sealed class ScopeEntryTests
{
    [Fact]
    public void An_entry_inside_its_scope_stays_and_one_outside_moves_to_the_next_code_of_the_scope()
    {
        List<AddressRange> scope = [new(0x2000, 0x2010), new(0x1000, 0x1004)];
        ScopeEntry.InsideScope(0x1002, scope).ShouldBe(0x1002UL);
        ScopeEntry.InsideScope(0x0ffc, scope).ShouldBe(0x1000UL);
        ScopeEntry.InsideScope(0x1800, scope).ShouldBe(0x2000UL);
        // Past all of it: the scope's first code.
        ScopeEntry.InsideScope(0x3000, scope).ShouldBe(0x1000UL);
    }

    /// <summary>
    /// gcc puts an inlined call's entry_pc at its first instruction. When the layout drops that
    /// instruction (a jump the new order made a fall-through), its output address belongs to
    /// whatever follows it; the rewritten entry_pc must still lie in the inlined call's ranges,
    /// where gdb looks for it, and verify-debug must expect just that.
    /// </summary>
    [ClangFact]
    public void A_dropped_entry_instruction_leaves_the_entry_inside_its_scope()
    {
        var program = CompiledProgram.Get("Gcc", "Cpp", "-O2 -g -gdwarf-5", makeDwp: false);
        var file = program.Open();
        var rows = file.Units.SelectMany(u => u.ReadLineTable()?.Rows.Select(r => r.Address) ?? []).Distinct().Order().ToList();
        // An inlined call whose entry instruction is not all of its code.
        var (unit, die, entry, next) = file.Units.SelectMany(u => Enumerable.Range(0, u.Dies.Count)
                .Where(d => u.TagOf(d) == DwTag.InlinedSubroutine && u.TryGetAttribute(d, DwAt.EntryPc, out _))
                .Select(d => (Unit: u, Die: d)))
            .Select(x =>
            {
                x.Unit.TryGetAttribute(x.Die, DwAt.EntryPc, out var value);
                var ranges = x.Unit.GetRanges(x.Die) ?? [];
                ulong entryPc = value.Kind == AttributeValueKind.Address ? value.Value : ranges.Min(r => r.Start) + value.Value;
                ulong nextRow = rows.FirstOrDefault(r => r > entryPc);
                bool fits = ranges.Any(r => r.Contains(entryPc) && nextRow < r.End) || ranges.Count(r => !r.IsEmpty) > 1;
                return (x.Unit, x.Die, Entry: entryPc, Next: nextRow, Fits: fits && nextRow > entryPc && ranges.Any(r => r.Contains(entryPc)));
            })
            .Where(x => x.Fits)
            .Select(x => (x.Unit, x.Die, x.Entry, x.Next))
            .First();
        var map = MovedCodeMaps.DeletingCode(file, [new AddressRange(entry, next)]);

        var updated = UpdatedProgram.Of(program, map);

        var rewritten = DwarfFile.Open(updated.Output).Units[unit.Index];
        rewritten.TryGetAttribute(die, DwAt.EntryPc, out var rewrittenEntry).ShouldBeTrue();
        rewritten.GetRanges(die)!.ShouldContain(r => r.Contains(rewrittenEntry.Value), $"entry 0x{rewrittenEntry.Value:x}");
        var report = updated.Verify();
        report.Count(DifferenceKind.Invalid).ShouldBe(0, string.Join("\n", report.Differences.Take(5)));
        report.Differences.ShouldNotContain(d => d.Message.Contains("DW_AT_entry_pc"));
    }
}
