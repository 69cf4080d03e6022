using System.Collections.Immutable;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;
using Rewriter.DebugUpdate.Addresses;
using Fragment = Rewriter.DebugUpdate.Addresses.CodeAddressMap.Fragment;

namespace Rewriter.DebugUpdate.Tests.Addresses;

public sealed class CodeAddressMapTests
{
    // One moved function [0x1000, 0x1010): instructions at 0x1000 (4 bytes), 0x1004 (dropped: a
    // jump made redundant), 0x1006 (6 bytes) in the hot fragment at 0x9000 and 0x100c (4 bytes)
    // split into the cold fragment at 0xa000. Everything else stayed.
    // The instruction at 0x1006 is followed in the output by a 2-byte jump the rewriter added.
    private static CodeAddressMap Map() => new(
        [0x1000, 0x1004, 0x1006, 0x100c], [0x9000, 0x9004, 0x9004, 0xa000], [0x9004, 0x9004, 0x9008, 0xa004],
        [new Fragment(0x1000, 0x1010, 0x9000, 0xa), new Fragment(0x1000, 0x1010, 0xa000, 0x4, IsCold: true)]);

    private static ulong Translate(CodeAddressMap map, ulong input) =>
        map.TryTranslate(new InputAddress(input), out var output) ? output.Value : throw new InvalidOperationException($"0x{input:x} has no translation");

    private static List<AddressRange> Translate(CodeAddressMap map, ulong start, ulong end)
    {
        var output = new List<AddressRange>();
        map.TryTranslateRange(new AddressRange(start, end), output).ShouldBeTrue();
        return AddressRange.Normalize(output);
    }

    [Fact]
    public void A_shared_map_out_of_input_order_translates_as_a_copied_one_and_leaves_its_columns_alone()
    {
        ImmutableArray<ulong> inputs = [0x100c, 0x1000, 0x1006, 0x1004], outputs = [0xa000, 0x9000, 0x9004, 0x9004], ends = [0xa004, 0x9004, 0x9008, 0x9004];
        var shared = CodeAddressMap.Share(inputs, outputs, ends,
            [new Fragment(0x1000, 0x1010, 0x9000, 0xa), new Fragment(0x1000, 0x1010, 0xa000, 0x4, IsCold: true)]);
        var copied = Map();
        foreach (ulong input in new ulong[] { 0x1000, 0x1004, 0x1006, 0x100c, 0x2000 })
            Translate(shared, input).ShouldBe(Translate(copied, input));
        Translate(shared, 0x1000, 0x1010).ShouldBe(Translate(copied, 0x1000, 0x1010));
        shared.TryTranslateEnd(new InputAddress(0x100c), out var end).ShouldBeTrue();
        end.Value.ShouldBe(0x9008UL);
        inputs.ShouldBe([0x100cUL, 0x1000, 0x1006, 0x1004]);
        outputs.ShouldBe([0xa000UL, 0x9000, 0x9004, 0x9004]);
    }

    [Fact]
    public void Instruction_starts_translate_and_other_code_stays()
    {
        var map = Map();
        Translate(map, 0x1006).ShouldBe(0x9004UL);
        Translate(map, 0x2000).ShouldBe(0x2000UL);
        map.TryTranslate(new InputAddress(0x1001), out _).ShouldBeFalse(); // inside a moved instruction
    }

    [Fact]
    public void An_end_translates_to_the_end_of_the_instruction_before_it_without_an_added_jump()
    {
        var map = Map();
        ulong End(ulong input) => map.TryTranslateEnd(new InputAddress(input), out var output) ? output.Value : 0;
        End(0x100c).ShouldBe(0x9008UL);   // the return address of the instruction at 0x1006, before the added jump
        End(0x1010).ShouldBe(0xa004UL);   // the function's end: the end of its last instruction, in the cold fragment
        End(0x1000).ShouldBe(0x1000UL);   // the end of the code before the function, which stayed
        End(0x2000).ShouldBe(0x2000UL);
        map.TryTranslateEnd(new InputAddress(0x1005), out _).ShouldBeFalse(); // no instruction ends there
    }

    [Fact]
    public void A_whole_function_maps_to_its_hot_and_cold_fragments()
    {
        Translate(Map(), 0x1000, 0x1010).ShouldBe([new AddressRange(0x9000, 0x900a), new AddressRange(0xa000, 0xa004)]);
    }

    [Fact]
    public void Part_of_a_function_maps_to_the_output_of_its_instructions()
    {
        var map = Map();
        Translate(map, 0x1006, 0x100c).ShouldBe([new AddressRange(0x9004, 0x900a)]);
        Translate(map, 0x100c, 0x1010).ShouldBe([new AddressRange(0xa000, 0xa004)]);
        Translate(map, 0x1004, 0x1006).ShouldBeEmpty(); // only the dropped jump
    }

    [Fact]
    public void A_bound_inside_an_instruction_stays_inside_its_output()
    {
        // gcc ends a call-clobbered variable's location at the call's return address - 1, and the
        // next entry starts there: a caller frame (which looks up return address - 1) sees the second.
        var map = Map();
        Translate(map, 0x1000, 0x1003).ShouldBe([new AddressRange(0x9000, 0x9003)]);   // same size: same offset
        Translate(map, 0x1003, 0x1006).ShouldBe([new AddressRange(0x9003, 0x9004)]);
        // 0x1006 is 6 bytes in, 4 out (plus the added jump): offset 5 is kept at the last byte, 3.
        Translate(map, 0x1006, 0x100b).ShouldBe([new AddressRange(0x9004, 0x9007)]);
        Translate(map, 0x100b, 0x1010).ShouldBe([new AddressRange(0x9007, 0x900a), new AddressRange(0xa000, 0xa004)]);
        Translate(map, 0x1007, 0x1008).ShouldBe([new AddressRange(0x9005, 0x9006)]);
    }

    [Fact]
    public void A_range_over_moved_and_unmoved_code_keeps_the_unmoved_part()
    {
        Translate(Map(), 0x0f00, 0x1100).ShouldBe([
            new AddressRange(0x0f00, 0x1000), new AddressRange(0x1010, 0x1100),
            new AddressRange(0x9000, 0x900a), new AddressRange(0xa000, 0xa004)]);
    }

    [ClangFact]
    public void Verifier_uses_the_map_a_program_that_moved_nothing_in_the_map_still_verifies()
    {
        // main "moved" onto itself. The map lists every address the debug information names inside
        // main (line rows, range bounds, code addresses, location-list bounds) as an instruction start.
        var program = CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5", false);
        var unit = program.Open().Units[0];
        var main = FindRanges(unit, "main");
        var rows = AddressesNamed(unit).Where(main.Contains).Distinct().ToList();
        rows.Count.ShouldBeGreaterThan(5);
        var identity = new CodeAddressMap([.. rows], [.. rows], null, [new Fragment(main.Start, main.End, main.Start, main.Length)]);
        var input = new DebugInput(program.Sections, program.SplitFiles);
        var report = DebugVerifier.Compare(input, input, identity);
        report.HasDifferences.ShouldBeFalse(report.ToString());

        // The same debug information checked against a map that moved main: every description of main is now stale.
        var shifted = new CodeAddressMap([.. rows], [.. rows.Select(a => a + 0x100000)], null, [new Fragment(main.Start, main.End, main.Start + 0x100000, main.Length)]);
        var stale = DebugVerifier.Compare(input, input, shifted);
        stale.Count(DifferenceKind.LineTable).ShouldBeGreaterThan(0);
        stale.Differences.ShouldContain(d => d.Kind == DifferenceKind.Ranges && d.Path == "CU main.c / subprogram main");
    }

    private static IEnumerable<ulong> AddressesNamed(DwarfUnit unit)
    {
        foreach (var row in unit.ReadLineTable()!.Rows)
            yield return row.Address;
        for (int die = 0; die < unit.Dies.Count; die++)
        {
            foreach (var range in unit.GetRanges(die) ?? [])
            {
                yield return range.Start;
                yield return range.End;
            }
            var values = new List<AttributeValue>();
            foreach (var attribute in unit.Attributes(die))
                values.Add(attribute);
            foreach (var attribute in values)
            {
                if (attribute.Kind is AttributeValueKind.Address or AttributeValueKind.AddressIndex)
                    yield return unit.ResolveAddress(in attribute);
                else if (unit.IsLocationList(in attribute))
                    foreach (var entry in unit.ReadLocationList(in attribute).Where(e => e.Kind == LocationListEntryKind.Bounded))
                    {
                        yield return entry.Start;
                        yield return entry.End;
                    }
            }
        }
    }

    private static AddressRange FindRanges(DwarfUnit unit, string name)
    {
        for (int i = 0; i < unit.Dies.Count; i++)
            if (unit.TagOf(i) == DwTag.Subprogram && unit.GetName(i) == name && unit.GetRanges(i) is { Count: 1 } ranges)
                return ranges[0];
        throw new InvalidOperationException($"no subprogram {name} with one range");
    }
}
