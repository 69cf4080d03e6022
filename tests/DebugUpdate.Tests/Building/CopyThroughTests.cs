using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Verification;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// The copy of DIEs that describe no code is only an optimisation: its plan must mirror the
/// attribute-by-attribute path exactly. On real programs whose every function moved and split,
/// the update with the copy must write the very bytes the update without it writes.
/// </summary>
public sealed class CopyThroughTests
{
    [ClangTheory]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-5")]
    [InlineData("Clang", "C", "-O1 -g -gdwarf-4")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-5")]
    [InlineData("Clang", "Cpp", "-O1 -g -gdwarf-4 -fdebug-types-section")]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-5")]
    [InlineData("Gcc", "Cpp", "-O2 -g -gdwarf-4")]
    public void Copying_unchanged_dies_writes_what_rewriting_every_die_writes(string compiler, string language, string flags)
    {
        var program = CompiledProgram.Get(compiler, language, flags, makeDwp: false);
        ShouldCopyWhatRewritingWrites(program, MovedCodeMaps.SplitAndReversedFunctions(program.Open()));
    }

    /// <summary>
    /// With half of the functions left in place, DIEs whose code stayed (functions, call sites,
    /// variables with location lists) are copied too, and their lists copied as they were: the
    /// bytes must still be those of the attribute-by-attribute path, which copies those lists too.
    /// </summary>
    [ClangTheory]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-5")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-5")]
    [InlineData("Clang", "Cpp", "-O1 -g -gdwarf-4 -fdebug-types-section")]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-5")]
    [InlineData("Gcc", "Cpp", "-O2 -g -gdwarf-5")]
    [InlineData("Gcc", "Cpp", "-O2 -g -gdwarf-4")]
    public void Copying_dies_whose_code_stayed_writes_what_rewriting_every_die_writes(string compiler, string language, string flags)
    {
        var program = CompiledProgram.Get(compiler, language, flags, makeDwp: false);
        var map = MovedCodeMaps.EveryOtherFunctionSplitAndReversed(program.Open());
        var copied = ShouldCopyWhatRewritingWrites(program, map);

        // The lists copied as they were still say what the input said (the verifier decodes both).
        // Not every check: this map knows only the instructions that begin line rows, so a call's
        // return address inside moved code has no translation and is left out, with a warning.
        var report = DebugVerifier.Compare(new DebugInput(program.Sections, []), new DebugInput(UpdatedProgram.Apply(program.Sections, copied.Sections), []), map);
        // (and for clang's DWARF 4 an empty function at a moved one's start gets that instruction's byte).
        DifferenceKind[] kinds = compiler == "Gcc"
            ? [DifferenceKind.Structure, DifferenceKind.Expression, DifferenceKind.LocationList, DifferenceKind.Ranges]
            : [DifferenceKind.Structure, DifferenceKind.Expression, DifferenceKind.LocationList];
        foreach (var kind in kinds)
            report.Count(kind).ShouldBe(0, string.Join("\n", report.Differences.Where(d => d.Kind == kind).Take(5)));
        // gcc names its lists' addresses itself; clang's DWARF 5 by index into the address table
        // (whose new table starts as a copy of the input one) or as offsets from the unit's base
        // address (which the unit keeps when its code is now in several places).
        var work = copied.Statistics.Work;
        if (compiler == "Gcc" || flags.Contains("dwarf-5"))
            work.CopiedLocationLists.ShouldBeGreaterThan(0);
        if (compiler == "Gcc")
            work.CopiedLocationLists.ShouldBeLessThan(work.LocationLists);
    }

    private static DebugUpdateResult ShouldCopyWhatRewritingWrites(CompiledProgram program, Rewriter.DebugUpdate.Addresses.CodeAddressMap map)
    {
        var copied = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 2 });
        var rewritten = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 2, CopyUnchangedDies = false });

        UpdatedProgram.ShouldBeSameSections(copied.Sections, rewritten.Sections);
        return copied;
    }
}
