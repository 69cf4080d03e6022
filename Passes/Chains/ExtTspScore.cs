using System.Runtime.CompilerServices;

namespace Rewriter.Passes.Chains;

/// <summary>
/// The ExtTSP objective (REFERENCE.md §3): how i-cache friendly an order of blocks is, given the
/// blocks' sizes and the profiled jumps between them. Higher is better.
/// </summary>
public static class ExtTspScore
{
    public const double FallThroughWeightConditional = 1.0;
    public const double FallThroughWeightUnconditional = 1.05;
    public const double ForwardWeight = 0.1;
    public const double BackwardWeight = 0.1;
    public const ulong ForwardDistance = 1024;
    public const ulong BackwardDistance = 640;

    /// <summary>The score of one jump from a block at <paramref name="sourceAddress"/> to one at <paramref name="targetAddress"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Jump(ulong sourceAddress, ulong sourceSize, ulong targetAddress, ulong count, bool isConditional) =>
        JumpFromEnd(sourceAddress + sourceSize, targetAddress, count, isConditional);

    /// <summary>The score of one jump from a block ending at <paramref name="end"/> (its address plus its size) to one at <paramref name="targetAddress"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double JumpFromEnd(ulong end, ulong targetAddress, ulong count, bool isConditional)
    {
        if (end == targetAddress)
            return count * (isConditional ? FallThroughWeightConditional : FallThroughWeightUnconditional);
        if (end < targetAddress)
            return Decay(targetAddress - end, ForwardDistance, count, ForwardWeight);
        return Decay(end - targetAddress, BackwardDistance, count, BackwardWeight);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Decay(ulong distance, ulong maximum, ulong count, double weight) =>
        distance > maximum ? 0 : weight * (1.0 - (double)distance / maximum) * count;

    /// <summary>
    /// The score of <paramref name="order"/> (node indices). A jump is conditional when its source
    /// has more than one successor among <paramref name="edges"/> (self edges excluded).
    /// </summary>
    public static double Of(IReadOnlyList<int> order, ulong[] sizes, IReadOnlyList<WeightedEdge> edges)
    {
        var addresses = new ulong[sizes.Length];
        ulong address = 0;
        foreach (int node in order)
        {
            addresses[node] = address;
            address += Math.Max(sizes[node], 1UL);
        }
        var outDegree = OutDegrees(sizes.Length, edges);
        double score = 0;
        foreach (var edge in edges)
            if (edge.Count > 0 && edge.Source != edge.Target)
                score += Jump(addresses[edge.Source], Math.Max(sizes[edge.Source], 1UL), addresses[edge.Target], edge.Count, outDegree[edge.Source] > 1);
        return score;
    }

    /// <summary>Successor count per node (every non-self edge, profiled or not): what makes a jump conditional.</summary>
    internal static int[] OutDegrees(int nodeCount, IReadOnlyList<WeightedEdge> edges)
    {
        var degree = new int[nodeCount];
        foreach (var edge in edges)
            if (edge.Source != edge.Target)
                degree[edge.Source]++;
        return degree;
    }
}
