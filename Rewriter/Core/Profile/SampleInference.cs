using Rewriter.Model;

namespace Rewriter.Profile;

/// <summary>
/// Turns sample counts (no_lbr profiles) into block and edge counts. A block's count is its
/// samples × 1000; for time-based events (cycles, cpu-clock) it is divided by the block's
/// instructions, since a longer block collects more samples per execution. Edge counts split a
/// block's count among its successors in proportion to their own counts.
/// </summary>
public static class SampleInference
{
    private const ulong Scale = 1000;

    public static void Apply(BinaryFunction function, ulong[] samples, string? sampleEvent)
    {
        var blocks = function.Body!.Blocks;
        bool timeBased = sampleEvent is null || sampleEvent.Contains("cycles", StringComparison.Ordinal)
            || sampleEvent.Contains("clock", StringComparison.Ordinal);
        for (int i = 0; i < blocks.Length; i++)
            blocks[i].ExecutionCount = samples[i] * Scale / (timeBased ? (ulong)Math.Max(1, blocks[i].InstructionCount) : 1);
        function.ExecutionCount = blocks[0].ExecutionCount;

        foreach (var block in blocks)
        {
            var successors = block.Successors;
            if (successors.Count == 0)
                continue;
            ulong total = 0;
            foreach (var edge in successors)
                total += blocks[edge.Target].ExecutionCount;
            for (int i = 0; i < successors.Count; i++)
            {
                var edge = successors[i];
                edge.Count = total == 0
                    ? block.ExecutionCount / (ulong)successors.Count
                    : (ulong)((UInt128)block.ExecutionCount * blocks[edge.Target].ExecutionCount / total);
                successors[i] = edge;
            }
        }
    }
}
