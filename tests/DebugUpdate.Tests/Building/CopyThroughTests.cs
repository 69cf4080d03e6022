using Rewriter.DebugUpdate.Contract;
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
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        var copied = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 2 });
        var rewritten = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 2, CopyUnchangedDies = false });

        UpdatedProgram.ShouldBeSameSections(copied.Sections, rewritten.Sections);
    }
}
