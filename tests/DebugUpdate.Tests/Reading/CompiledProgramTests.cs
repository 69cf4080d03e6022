using System.Globalization;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Reading;

/// <summary>Reads programs compiled by clang-22 and gcc and checks every DIE against llvm-dwarfdump-22.</summary>
public sealed class CompiledProgramTests(ITestOutputHelper output)
{
    // Compiler, language, flags, and whether the .dwo files are packed into a .dwp by llvm-dwp-22.
    public static TheoryData<string, string, string, bool> Configurations => new()
    {
        { "Clang", "C", "-O1 -g -gdwarf-4", false },
        { "Clang", "C", "-O2 -g -gdwarf-5", false },
        { "Clang", "C", "-O0 -g -gdwarf-2", false },
        { "Clang", "Cpp", "-O1 -g -gdwarf-3", false },
        { "Clang", "C", "-O1 -g -gdwarf-5 -gdwarf64", false },
        { "Clang", "Cpp", "-O1 -g -gdwarf-4", false },
        { "Clang", "Cpp", "-O2 -g -gdwarf-5", false },
        { "Clang", "C", "-O1 -g -gdwarf-5 -gsplit-dwarf", false },
        { "Clang", "C", "-O1 -g -gdwarf-5 -gsplit-dwarf", true },
        { "Clang", "C", "-O1 -g -gdwarf-4 -gsplit-dwarf", false },
        { "Clang", "C", "-O1 -g -gdwarf-4 -gsplit-dwarf", true },
        { "Clang", "Cpp", "-O2 -g -gdwarf-5 -gsplit-dwarf", true },
        { "Clang", "Cpp", "-O1 -g -gdwarf-4 -gsplit-dwarf", false },
        { "Clang", "Cpp", "-O1 -g -gdwarf-4 -fdebug-types-section", false },
        { "Clang", "Cpp", "-O1 -g -gdwarf-5 -fdebug-types-section", false },
        { "Clang", "Cpp", "-O1 -g -gdwarf-5 -fdebug-types-section -gsplit-dwarf", true },
        { "Clang", "Cpp", "-O1 -g -gdwarf-4 -fdebug-types-section -gsplit-dwarf", true }, // .debug_types.dwo in a v2 package
        { "Clang", "C", "-O2 -g -gdwarf-5 -flto", false },
        { "Clang", "Cpp", "-O2 -g -gdwarf-4 -flto", false },
        { "Clang", "Cpp", "-O2 -g -gdwarf-5 -flto -fdebug-types-section", false },
        // gcc writes location views, entry values and its own split-DWARF forms. (llvm-dwp-22
        // loops on gcc's DWARF 5 .dwo files, so gcc's split units are tested as .dwo files.)
        { "Gcc", "C", "-O2 -g -gdwarf-5", false },
        { "Gcc", "C", "-O0 -g -gdwarf-4", false },
        { "Gcc", "Cpp", "-O1 -g -gdwarf-4", false },
        { "Gcc", "Cpp", "-O2 -g -gdwarf-5", false },
        { "Gcc", "C", "-O1 -g -gdwarf-5 -gsplit-dwarf", false },
        { "Gcc", "Cpp", "-O2 -g -gdwarf-4 -gsplit-dwarf", false },
        { "Gcc", "C", "-O2 -g -gdwarf-5 -flto", false },
    };

    [ClangTheory]
    [MemberData(nameof(Configurations))]
    public void Every_die_matches_llvm_dwarfdump(string compiler, string language, string flags, bool dwp)
    {
        var program = CompiledProgram.Get(compiler, language, flags, dwp);
        var file = program.Open();

        int checkedUnits = CompareWithDump(file, DwarfDumpText.Run(program.Executable, "--debug-info", "--debug-types"));
        for (int i = 0; i < program.SplitPaths.Count; i++)
            checkedUnits += CompareWithDump(file.SplitFiles[i], DwarfDumpText.Run(program.SplitPaths[i], "--debug-info", "--debug-types"));
        checkedUnits.ShouldBeGreaterThanOrEqualTo(2);

        if (flags.Contains("split-dwarf"))
        {
            foreach (var skeleton in file.Units.Where(u => u.Header.UnitType == DwUnitType.Skeleton))
                skeleton.SplitUnit.ShouldNotBeNull($"skeleton {skeleton.Name} was not bound to its split unit");
        }
    }

    private int CompareWithDump(DwarfFile file, DwarfDumpText dump)
    {
        dump.Units.Count.ShouldBe(file.Units.Count, "unit count");
        foreach (var expected in dump.Units)
        {
            var unit = file.Units.Single(u => u.Info.Name == expected.Section && (ulong)u.Offset == expected.Offset);
            var dies = unit.Dies;
            dies.Count.ShouldBe(expected.Dies.Count, $"DIE count of unit 0x{unit.Offset:x}");
            var ourTags = dies.Entries.ToArray().GroupBy(e => DwarfNames.Name(e.Tag)).ToDictionary(g => g.Key, g => g.Count());
            var theirTags = expected.Dies.GroupBy(d => d.Tag).ToDictionary(g => g.Key, g => g.Count());
            ourTags.ShouldBe(theirTags, ignoreOrder: true);
            for (int i = 0; i < dies.Count; i++)
                CompareDie(unit, i, expected.Dies[i]);
        }
        output.WriteLine($"{file.Units.Count} units, {file.Units.Sum(u => u.Dies.Count)} DIEs match");
        return dump.Units.Count;
    }

    private static void CompareDie(DwarfUnit unit, int die, DwarfDumpText.Die expected)
    {
        string where = $"DIE 0x{unit.SectionOffsetOf(die):x}";
        ((ulong)unit.SectionOffsetOf(die)).ShouldBe(expected.Offset, where);
        DwarfNames.Name(unit.TagOf(die)).ShouldBe(expected.Tag, where);

        int attributeCount = 0;
        foreach (var attribute in unit.Attributes(die))
        {
            attributeCount++;
            string name = DwarfNames.Name(attribute.Name);
            if (!expected.Attributes.TryGetValue(name, out var text))
                continue;
            switch (attribute.Name)
            {
                case DwAt.Name or DwAt.LinkageName or DwAt.Producer or DwAt.CompDir when attribute.Kind != AttributeValueKind.Constant:
                    // dwarfdump escapes a few characters; the sample programs use none of them.
                    ("\"" + unit.GetString(in attribute) + "\"").ShouldBe(text, $"{where} {name}");
                    break;
                case DwAt.DeclLine or DwAt.CallLine:
                    attribute.Value.ToString(CultureInfo.InvariantCulture).ShouldBe(text, $"{where} {name}");
                    break;
                case DwAt.LowPc or DwAt.EntryPc or DwAt.CallReturnPc when text.StartsWith("0x"):
                    unit.ResolveAddress(in attribute).ShouldBe(Convert.ToUInt64(text, 16), $"{where} {name}");
                    break;
                case DwAt.Type or DwAt.AbstractOrigin or DwAt.Specification or DwAt.CallOrigin
                    when attribute.Kind is AttributeValueKind.UnitReference or AttributeValueKind.InfoReference:
                {
                    var (target, targetDie) = unit.ResolveReference(in attribute);
                    ((ulong)target.SectionOffsetOf(targetDie)).ShouldBe(Convert.ToUInt64(text.Split(' ')[0], 16), $"{where} {name}");
                    break;
                }
            }
        }
        unit.Dies.AbbreviationOf(die).Attributes.Length.ShouldBe(attributeCount);
        expected.Attributes.Count.ShouldBeLessThanOrEqualTo(attributeCount, where);

        // Code ranges: dwarfdump prints high_pc as an address and lists every range of DW_AT_ranges.
        if (expected.Attributes.TryGetValue("DW_AT_high_pc", out var high) && high.StartsWith("0x")
            && expected.Attributes["DW_AT_low_pc"].StartsWith("0x"))
        {
            var ranges = unit.GetRanges(die).ShouldNotBeNull(where);
            ranges.Single().End.ShouldBe(Convert.ToUInt64(high, 16), $"{where} high_pc");
        }
        if (expected.Attributes.TryGetValue("DW_AT_ranges", out var rangesText) && DwarfDumpText.Ranges(rangesText) is { Count: > 0 } expectedRanges)
        {
            var ranges = unit.GetRanges(die).ShouldNotBeNull(where);
            // A .dwo dumped on its own has no skeleton (nor .debug_addr), so dwarfdump resolves base
            // addresses to 0: our ranges must then equal its ranges up to one constant shift.
            ulong shift = unit.IsSplit && ranges.Count == expectedRanges.Count ? ranges[0].Start - expectedRanges[0].Start : 0;
            ranges.Select(r => (r.Start - shift, r.End - shift)).ToList().ShouldBe(expectedRanges, $"{where} ranges");
        }
        foreach (var attribute in unit.Attributes(die))
        {
            if (!unit.IsLocationList(in attribute)
                || !expected.Attributes.TryGetValue(DwarfNames.Name(attribute.Name), out var text))
                continue;
            var expectedRanges2 = DwarfDumpText.Ranges(text);
            if (expectedRanges2.Count == 0)
                continue; // split units dumped alone print unresolved address indexes
            var entries = unit.ReadLocationList(in attribute).Where(e => e.Kind == LocationListEntryKind.Bounded).ToList();
            ulong shift = unit.IsSplit && entries.Count > 0 ? entries[0].Start - expectedRanges2[0].Start : 0;
            var ours = entries.Select(e => (e.Start, e.End)).ToList();
            var oursShifted = entries.Select(e => (e.Start - shift, e.End - shift)).ToList();
            (ours.SequenceEqual(expectedRanges2) || oursShifted.SequenceEqual(expectedRanges2))
                .ShouldBeTrue($"{where} {DwarfNames.Name(attribute.Name)}: ours {string.Join(",", ours)} vs {text}");
            entries.ShouldAllBe(e => e.Expression.Length > 0);
        }
    }

    [ClangTheory]
    [MemberData(nameof(Configurations))]
    public void Sequential_scan_decodes_what_the_index_decodes(string compiler, string language, string flags, bool dwp)
    {
        // The scanner reads fixed-size DIEs at precomputed offsets; the index path reads in order.
        var file = CompiledProgram.Get(compiler, language, flags, dwp).Open();
        long attributes = 0;
        foreach (var unit in file.Units.Concat(file.SplitFiles.SelectMany(f => f.Units)))
        {
            var scanner = unit.Scan();
            int die = 0;
            while (scanner.NextDie())
            {
                ((long)scanner.DieOffset).ShouldBe(unit.SectionOffsetOf(die), $"unit 0x{unit.Offset:x} DIE {die}");
                scanner.Tag.ShouldBe(unit.TagOf(die));
                var expected = unit.Attributes(die);
                // Leave every other DIE's last attribute unread: NextDie must skip it.
                int toRead = unit.Dies.AbbreviationOf(die).Attributes.Length - (die % 2);
                for (int i = 0; i < toRead; i++)
                {
                    scanner.NextAttribute(out var value).ShouldBeTrue();
                    expected.MoveNext().ShouldBeTrue();
                    value.ShouldBe(expected.Current, $"DIE 0x{scanner.DieOffset:x} attribute {i}");
                    attributes++;
                }
                die++;
            }
            die.ShouldBe(unit.Dies.Count);
        }
        attributes.ShouldBeGreaterThan(100);
    }

    [ClangTheory]
    [MemberData(nameof(Configurations))]
    public void Line_rows_match_llvm_dwarfdump(string compiler, string language, string flags, bool dwp)
    {
        var program = CompiledProgram.Get(compiler, language, flags, dwp);
        var file = program.Open();
        var expected = LineDumpText.Parse(Tools.Run(Tools.DwarfDump, Path.GetDirectoryName(program.Executable)!, "--debug-line", program.Executable));
        var seen = new HashSet<ulong>();
        int rows = 0;
        foreach (var unit in file.Units)
        {
            if (unit.StmtList is not { } offset || !seen.Add(offset) || unit.IsSplit)
                continue;
            var table = unit.ReadLineTable()!;
            var theirs = expected[offset];
            table.Rows.Length.ShouldBe(theirs.Count, $"rows of line table 0x{offset:x}");
            for (int i = 0; i < theirs.Count; i++)
            {
                var row = table.Rows[i];
                (row.Address, row.Line, row.Column, row.File, row.Discriminator, row.Flags).ShouldBe(theirs[i], $"row {i} of table 0x{offset:x}");
            }
            rows += theirs.Count;
        }
        rows.ShouldBeGreaterThan(10);
    }
}
