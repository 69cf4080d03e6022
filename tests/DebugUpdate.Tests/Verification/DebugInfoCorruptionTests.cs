using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Verification;

/// <summary>
/// Every mistake class a debug update can make, applied to real compiled programs (clang and gcc,
/// DWARF 4 and 5, split units): verify-debug reports each at its DIE (or index section). Encodings
/// that keep the meaning are not reported.
/// </summary>
public sealed class DebugInfoCorruptionTests(ITestOutputHelper output)
{
    private const string ClangDwarf4 = "Clang|C|-O1 -g -gdwarf-4|false";
    private const string ClangDwarf5Indexed = "Clang|C|-O2 -g -gdwarf-5 -gpubnames -gdwarf-aranges|false";
    private const string ClangSplit5 = "Clang|C|-O1 -g -gdwarf-5 -gsplit-dwarf|true";
    private const string ClangSplit4 = "Clang|C|-O1 -g -gdwarf-4 -gsplit-dwarf|false";
    private const string GccDwarf5 = "Gcc|C|-O2 -g -gdwarf-5|false";
    private const string GccDwarf4 = "Gcc|Cpp|-O2 -g -gdwarf-4|false";
    private const string GccSplit5 = "Gcc|C|-O1 -g -gdwarf-5 -gsplit-dwarf|false";
    private const string ClangGdbIndex = "Clang|C|-O1 -g -gdwarf-4 -ggnu-pubnames -Wl,--gdb-index|false";
    // No unwind tables: the compilers write .debug_frame instead of .eh_frame.
    private const string ClangDebugFrame = "Clang|C|-O2 -g -fno-unwind-tables -fno-asynchronous-unwind-tables|false";
    private const string GccDebugFrame = "Gcc|C|-O2 -g -gdwarf-4 -fno-unwind-tables -fno-asynchronous-unwind-tables|false";

    private static readonly string[] AllPrograms = [ClangDwarf4, ClangDwarf5Indexed, ClangSplit5, ClangSplit4, GccDwarf5, GccDwarf4, GccSplit5, ClangGdbIndex];

    /// <summary>Which programs each class applies to (their compilers emit what it corrupts).</summary>
    public static TheoryData<string, Corruption> Cases()
    {
        var cases = new TheoryData<string, Corruption>();
        foreach (var program in AllPrograms)
            foreach (var corruption in (Corruption[])[Corruption.MovedScope, Corruption.ShiftedLocationListPiece, Corruption.WrongAddressInExpression,
                         Corruption.ChangedDeclLine, Corruption.DroppedAttribute, Corruption.ReferenceToAnotherDie,
                         Corruption.ReorderedAbbreviation, Corruption.UnitReferenceAsInfoReference])
                cases.Add(program, corruption);
        // gcc -O2 writes DW_OP_addr in location lists and typed (DW_OP_convert, regval_type...) operations; clang writes neither here.
        cases.Add(GccDwarf5, Corruption.WrongAddressInLocationList);
        cases.Add(GccDwarf5, Corruption.BaseTypeNamingAnotherType);
        cases.Add(GccDwarf4, Corruption.BaseTypeNamingAnotherType);
        cases.Add(ClangDwarf5Indexed, Corruption.MissingNameIndexEntry);
        cases.Add(ClangDwarf5Indexed, Corruption.ArangesHole);
        cases.Add(GccDwarf5, Corruption.ArangesHole);
        foreach (var program in (string[])[ClangDebugFrame, GccDebugFrame])
            foreach (var corruption in (Corruption[])[Corruption.ChangedCfaOffset, Corruption.ShiftedFde, Corruption.DroppedDebugFrame, Corruption.FactoredCfaOffset])
                cases.Add(program, corruption);
        return cases;
    }

    private static CompiledProgram Program(string configuration)
    {
        var parts = configuration.Split('|');
        return CompiledProgram.Get(parts[0], parts[1], parts[2], bool.Parse(parts[3]));
    }

    [ClangTheory]
    [MemberData(nameof(Cases))]
    public void Verify_debug_catches_the_corruption_or_accepts_the_reencoding(string configuration, Corruption corruption)
    {
        var program = Program(configuration);
        var corruptor = new DebugInfoCorruptor(program);
        var target = corruptor.Apply(corruption);
        target.ShouldNotBeNull($"{configuration} has nothing {corruption} applies to");
        var original = new DebugInput(program.Sections, program.SplitFiles);
        var report = DebugVerifier.Compare(original, corruptor.Result, CodeAddressMap.Identity);
        output.WriteLine($"{corruption} at {target.Value.Where}");
        output.WriteLine(report.ToString());

        if (corruption is Corruption.ReorderedAbbreviation or Corruption.UnitReferenceAsInfoReference or Corruption.FactoredCfaOffset)
        {
            report.HasDifferences.ShouldBeFalse(report.ToString());
            return;
        }
        var (kind, where) = target.Value;
        report.Differences.ShouldContain(d => d.Kind == kind && (d.Path == where || d.Path.StartsWith(where + " ")),
            $"{corruption} at {where} not reported as {kind}:\n{report}");
        // The report line names both values.
        report.Differences.First(d => d.Kind == kind && d.Path.StartsWith(where)).Message.ShouldMatch("output|original|missing");
    }

    [ClangFact]
    public void The_verdict_does_not_depend_on_the_thread_count()
    {
        var program = Program(GccDwarf5);
        var corruptor = new DebugInfoCorruptor(program);
        corruptor.Apply(Corruption.ChangedDeclLine).ShouldNotBeNull();
        corruptor.Apply(Corruption.WrongAddressInLocationList).ShouldNotBeNull();
        var original = new DebugInput(program.Sections, program.SplitFiles);
        string one = DebugVerifier.Compare(original, corruptor.Result, CodeAddressMap.Identity, threadCount: 1).ToString();
        string four = DebugVerifier.Compare(original, corruptor.Result, CodeAddressMap.Identity, threadCount: 4).ToString();
        four.ShouldBe(one);
        one.ShouldContain("RW-ERROR: verify-debug: attribute:");
    }
}
