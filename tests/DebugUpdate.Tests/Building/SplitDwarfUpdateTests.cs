using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// Split DWARF through the update: every function moved and split, the program's skeletons and
/// their split units (in .dwo files or a .dwp package) rebuilt together must say what the input
/// said, translated through the move, and the same bytes must come out whatever the thread count
/// and whether unchanged DIEs are copied.
/// </summary>
public sealed class SplitDwarfUpdateTests
{
    [ClangTheory]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-5 -gsplit-dwarf", false)]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-4 -gsplit-dwarf", false)]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-5 -gsplit-dwarf", false)]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-4 -gsplit-dwarf", false)]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-5 -gsplit-dwarf -fdebug-types-section", true)]
    [InlineData("Clang", "Cpp", "-O1 -g -gdwarf-4 -gsplit-dwarf -fdebug-types-section", true)]
    public void Split_units_say_what_they_said_after_every_function_moved(string compiler, string language, string flags, bool makeDwp)
    {
        var program = CompiledProgram.Get(compiler, language, flags, makeDwp);
        program.SplitFiles.ShouldNotBeEmpty();
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        var split = new SplitDwarfInput(program.SplitFiles, new Dictionary<int, string>());

        var result = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 2 }, split);

        result.SplitFiles.Count.ShouldBe(program.SplitFiles.Count);
        var before = new DebugInput(program.Sections, program.SplitFiles);
        var after = new DebugInput(UpdatedProgram.Apply(program.Sections, result.Sections), program.SplitFiles.Select((f, i) => UpdatedProgram.Apply(f, result.SplitFiles[i])).ToList());
        var report = DebugVerifier.Compare(before, after, map);
        report.HasDifferences.ShouldBeFalse(string.Join("\n", report.Differences.Take(5)));

        var serial = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 1, CopyUnchangedDies = false }, split);
        UpdatedProgram.ShouldBeSameSections(serial.Sections, result.Sections);
        for (int i = 0; i < result.SplitFiles.Count; i++)
            UpdatedProgram.ShouldBeSameSections(serial.SplitFiles[i], result.SplitFiles[i]);
    }

    [ClangFact]
    public void A_skeleton_whose_split_unit_is_not_given_is_an_error()
    {
        var program = CompiledProgram.Get("Clang", "C", "-O2 -g -gdwarf-5 -gsplit-dwarf", makeDwp: false);
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());

        var error = Should.Throw<DwarfFormatException>(() => DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions()));
        error.Message.ShouldContain("is in no .dwo file or package given");
    }

    [ClangFact]
    public void A_rewritten_skeleton_names_its_new_dwo_file_through_an_added_string()
    {
        var program = CompiledProgram.Get("Clang", "C", "-O2 -g -gdwarf-5 -gsplit-dwarf", makeDwp: false);
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        var skeletons = DebugUpdater.FindSkeletons(program.Sections);
        var names = skeletons.ToDictionary(s => s.UnitIndex, s => $"renamed-{s.UnitIndex}.dwo");

        var result = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions(), new SplitDwarfInput(program.SplitFiles, names));

        var output = DebugUpdater.FindSkeletons(UpdatedProgram.Apply(program.Sections, result.Sections));
        output.Select(s => s.DwoName).ShouldBe(skeletons.Select(s => $"renamed-{s.UnitIndex}.dwo"));
        output.Select(s => s.DwoId).ShouldBe(skeletons.Select(s => s.DwoId));
    }
}
