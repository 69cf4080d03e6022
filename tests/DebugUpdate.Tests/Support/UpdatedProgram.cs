using Rewriter.Common;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>A compiled program's debug sections after the debug update, as the output file would hold them.</summary>
internal sealed record UpdatedProgram(CompiledProgram Program, CodeAddressMap Map, DebugUpdateResult Result, DebugSections Output)
{
    /// <summary>Updates the program for <paramref name="map"/> (default: every function moved, split and reordered).</summary>
    public static UpdatedProgram Of(CompiledProgram program, CodeAddressMap? map = null, DebugUpdateOptions? options = null)
    {
        map ??= MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        var result = DebugUpdater.Update(program.Sections, map, options ?? new DebugUpdateOptions { ThreadCount = 2 });
        return new UpdatedProgram(program, map, result, Apply(program.Sections, result));
    }

    /// <summary>The input sections with the update's replacements and removals applied.</summary>
    public static DebugSections Apply(DebugSections input, DebugUpdateResult result)
    {
        var output = Apply(input, result.Sections);
        foreach (var name in result.DroppedSections)
            output.Set(name, ReadOnlyMemory<byte>.Empty);
        return output;
    }

    /// <summary>The input sections with rebuilt ones (a split file's, a package's) replacing or joining them.</summary>
    public static DebugSections Apply(DebugSections input, IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> rebuilt)
    {
        var output = input.Clone();
        foreach (var (name, chunks) in rebuilt)
            output.Set(name, Join(chunks));
        return output;
    }

    /// <summary>verify-debug of the original against <paramref name="output"/> (default: this update's).</summary>
    public VerificationReport Verify(DebugSections? output = null) =>
        DebugVerifier.Compare(Program.Open(), DwarfFile.Open(output ?? Output), Map, threadCount: 2);

    public static byte[] Join(IReadOnlyList<ReadOnlyMemory<byte>> chunks) => ByteChunks.Concat(chunks);

    /// <summary>Two updates' rebuilt sections: the same names, the same bytes.</summary>
    public static void ShouldBeSameSections(IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> expected,
        IReadOnlyDictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> actual)
    {
        actual.Keys.Order().ShouldBe(expected.Keys.Order());
        foreach (var (name, chunks) in expected)
            Join(chunks).SequenceEqual(Join(actual[name])).ShouldBeTrue($"{name} differs");
    }
}
