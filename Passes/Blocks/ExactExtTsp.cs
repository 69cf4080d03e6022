using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Blocks;

/// <summary>
/// The best ExtTSP order of a small function, found by trying every order of the non-entry
/// blocks (REFERENCE.md §3 allows an exact solution for small functions). A subset DP is not
/// exact here: jump scores depend on distances, not only on which block follows which.
/// </summary>
public static class ExactExtTsp
{
    /// <summary>Functions up to this many blocks are solved exactly (6! = 720 orders at most).</summary>
    public const int MaxBlocks = 7;

    /// <summary>
    /// Returns an order at least as good as <paramref name="start"/> (which it keeps on ties),
    /// entry (node 0) first.
    /// </summary>
    public static int[] Improve(ulong[] sizes, IReadOnlyList<WeightedEdge> edges, int[] start)
    {
        int n = sizes.Length;
        if (n > MaxBlocks || n <= 2)
            return start;
        var outDegree = ExtTspScore.OutDegrees(n, edges);
        var jumps = edges.Where(e => e.Count > 0 && e.Source != e.Target).ToArray();
        var addresses = new ulong[n];

        double Evaluate(int[] order)
        {
            ulong address = 0;
            foreach (int node in order) { addresses[node] = address; address += Math.Max(sizes[node], 1UL); }
            double score = 0;
            foreach (var jump in jumps)
                score += ExtTspScore.Jump(addresses[jump.Source], Math.Max(sizes[jump.Source], 1UL), addresses[jump.Target], jump.Count, outDegree[jump.Source] > 1);
            return score;
        }

        var best = (int[])start.Clone();
        double bestScore = Evaluate(best);
        var current = Enumerable.Range(0, n).ToArray();
        // PERF: Heap's algorithm over positions 1..n-1: one swap per candidate order.
        var control = new int[n];
        int i = 1;
        Consider();
        while (i < n - 1)
        {
            if (control[i] < i)
            {
                int swapWith = i % 2 == 0 ? 0 : control[i];
                (current[1 + swapWith], current[1 + i]) = (current[1 + i], current[1 + swapWith]);
                Consider();
                control[i]++;
                i = 1;
            }
            else
            {
                control[i] = 0;
                i++;
            }
        }
        return best;

        void Consider()
        {
            double score = Evaluate(current);
            if (score > bestScore + MergeGain.Epsilon)
            {
                bestScore = score;
                Array.Copy(current, best, n);
            }
        }
    }
}
