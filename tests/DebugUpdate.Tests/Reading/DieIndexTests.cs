using System.Runtime.CompilerServices;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Reading;

public sealed class DieIndexTests
{
    [Fact]
    public void An_index_entry_takes_at_most_sixteen_bytes()
    {
        Unsafe.SizeOf<DieEntry>().ShouldBeLessThanOrEqualTo(16);
        RuntimeHelpers.IsReferenceOrContainsReferences<DieEntry>().ShouldBeFalse();
    }

    [ClangFact]
    public void Null_entries_are_not_indexed()
    {
        var unit = CompiledProgram.Get(SampleSources.Language.Cpp, "-O1 -g -gdwarf-5", false).Open().Units[0];
        int nulls = 0, dies = 0;
        var scanner = unit.Scan();
        while (scanner.NextDie())
            dies++;
        // Every DIE with children ends its child list with one NULL entry.
        for (int i = 0; i < unit.Dies.Count; i++)
            if (unit.Dies.AbbreviationOf(i).HasChildren)
                nulls++;
        nulls.ShouldBeGreaterThan(10);
        unit.Dies.Count.ShouldBe(dies);
        for (int i = 0; i < unit.Dies.Count; i++)
            unit.TagOf(i).ShouldNotBe((DwTag)0);
    }
}
