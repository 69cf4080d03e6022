using Rewriter.Common;
using Rewriter.DebugUpdate.Addresses;
using Shouldly;
using Xunit;

namespace Rewriter.DebugUpdate.Tests.Addresses;

public class OutputOrderTests
{
    // Blocks of instructions (input order) laid out in a shuffled block order, some instructions
    // dropped (no bytes), some blocks followed by an added jump: the emitter's map in miniature.
    private static (ulong[] Outputs, ulong[] Ends) Layout(int seed, int blocks, bool shuffle)
    {
        var random = new Random(seed);
        var sizes = Enumerable.Range(0, blocks).Select(_ => Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(4) == 0 ? 0 : random.Next(1, 9)).ToArray()).ToArray();
        var placement = Enumerable.Range(0, blocks).ToArray();
        if (shuffle)
            random.Shuffle(placement);
        var blockStart = new ulong[blocks];
        ulong cursor = 0x400000;
        foreach (int block in placement)
        {
            blockStart[block] = cursor;
            cursor += (ulong)sizes[block].Sum() + (random.Next(3) == 0 ? 5UL : 0);
        }
        var outputs = new List<ulong>();
        var ends = new List<ulong>();
        for (int block = 0; block < blocks; block++)
        {
            ulong at = blockStart[block];
            foreach (int size in sizes[block])
            {
                outputs.Add(at);
                ends.Add(at + (ulong)size);
                at += (ulong)size;
            }
        }
        return ([.. outputs], [.. ends]);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Gives_the_stable_sort_of_a_laid_out_map(int seed, bool shuffle)
    {
        var (outputs, ends) = Layout(seed, 500, shuffle);
        OutputOrder.TryFromRuns(outputs, ends, out var fromRuns).ShouldBeTrue();
        fromRuns.ShouldBe(KeySort.StableOrder(outputs));
        OutputOrder.Of(outputs, ends).ShouldBe(fromRuns);
    }

    [Fact]
    public void Interleaved_runs_and_ties_across_runs_fall_back_to_the_same_order()
    {
        // Run 0 spans 0x10..0x30 with 0x20 (run 1) inside it; two instructions at 0x40 in different runs.
        ulong[] outputs = [0x10, 0x18, 0x30, 0x20, 0x40, 0x08, 0x40, 0x44];
        ulong[] ends = [0x18, 0x30, 0x34, 0x28, 0x40, 0x10, 0x44, 0x48];
        OutputOrder.TryFromRuns(outputs, ends, out _).ShouldBeFalse();
        OutputOrder.Of(outputs, ends).ShouldBe(KeySort.StableOrder(outputs));
    }

    [Fact]
    public void Without_exact_ends_is_the_stable_sort()
    {
        ulong[] outputs = [0x30, 0x10, 0x10, 0x20];
        OutputOrder.Of(outputs, null).ShouldBe([1, 2, 3, 0]);
    }
}
