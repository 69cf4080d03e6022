using Rewriter.Common.Spooling;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// Streaming the merged units to a spool (and giving their input pages back) changes where the
/// bytes live, never what they are: on programs with cross-unit references (LTO) and type units,
/// every function moved and split, the spooled update writes what the in-memory update writes,
/// at one thread and at several (units then reach the merge out of order).
/// </summary>
public sealed class StreamingMergeTests
{
    [ClangTheory]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-5 -flto")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-4 -flto")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-5 -flto -fdebug-types-section")]
    [InlineData("Clang", "Cpp", "-O1 -g -gdwarf-4 -fdebug-types-section")]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-5")]
    public void Spooled_update_writes_what_the_in_memory_update_writes(string compiler, string language, string flags)
    {
        var program = CompiledProgram.Get(compiler, language, flags, makeDwp: false);
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        var inMemory = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 1 });
        var directory = Directory.CreateTempSubdirectory("rw-streaming-merge-").FullName;
        try
        {
            foreach (int threads in new[] { 1, 4 })
            {
                using var spool = SpoolFile.Create(directory);
                var spooled = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = threads }, spool: spool);
                spool.Length.ShouldBeGreaterThan(0, "the units went to the spool");
                UpdatedProgram.ShouldBeSameSections(inMemory.Sections, spooled.Sections);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
