namespace Rewriter.Passes.Functions;

/// <summary>
/// HFSort (Ottoni and Maher, "Optimizing Function Placement for Large-Scale Data-Center
/// Applications"; REFERENCE.md §3): take functions by decreasing density and append each one's
/// cluster to the cluster of its heaviest caller, when that arc carries at least 10% of the
/// function's samples, the merged cluster stays within 1 MiB and the caller cluster's density
/// does not drop more than 8×. Clusters are then laid out by decreasing density.
/// </summary>
public static class HfSort
{
    public const double CallProbabilityThreshold = 0.1;
    public const ulong MaxClusterSize = 1 << 20;
    public const double MinDensityRatio = 8.0;

    private sealed class Cluster(int node, double samples, ulong size)
    {
        public List<int> Nodes { get; } = [node];
        public double Samples { get; set; } = samples;
        public ulong Size { get; set; } = size;
        public double Density => Samples / Size;
    }

    /// <summary>Call-graph nodes with samples, in layout order; nodes without samples are left out.</summary>
    public static List<int> Order(CallGraph graph)
    {
        int n = graph.Functions.Length;
        // A function runs at least as often as its profiled callers call it.
        var samples = new double[n];
        for (int i = 0; i < n; i++)
            samples[i] = graph.Samples[i];
        var incoming = new double[n];
        var callers = new List<(int Caller, ulong Count)>[n];
        for (int i = 0; i < n; i++)
            callers[i] = [];
        foreach (var call in graph.Calls)
        {
            incoming[call.Target] += call.Count;
            callers[call.Target].Add((call.Source, call.Count)); // sorted by caller: Calls is
        }
        for (int i = 0; i < n; i++)
            samples[i] = Math.Max(samples[i], incoming[i]);

        var clusterOf = new Cluster?[n];
        var sorted = new List<int>();
        for (int i = 0; i < n; i++)
        {
            if (samples[i] == 0)
                continue;
            clusterOf[i] = new Cluster(i, samples[i], graph.Sizes[i]);
            sorted.Add(i);
        }
        // By density, highest first; List.Sort is not stable, so break ties on the node index.
        sorted.Sort((a, b) =>
        {
            int byDensity = (samples[b] * graph.Sizes[a]).CompareTo(samples[a] * graph.Sizes[b]);
            return byDensity != 0 ? byDensity : a.CompareTo(b);
        });

        foreach (int node in sorted)
        {
            var cluster = clusterOf[node]!;
            int bestCaller = -1;
            double bestProbability = 0;
            foreach (var (caller, count) in callers[node])
            {
                double probability = count / samples[node];
                if (bestCaller < 0 || probability > bestProbability)
                    (bestCaller, bestProbability) = (caller, probability);
            }
            if (bestCaller < 0 || bestProbability < CallProbabilityThreshold)
                continue;
            var callerCluster = clusterOf[bestCaller];
            if (callerCluster == null || callerCluster == cluster)
                continue;
            if (cluster.Size + callerCluster.Size > MaxClusterSize)
                continue;
            double mergedDensity = (callerCluster.Samples + cluster.Samples) / (callerCluster.Size + cluster.Size);
            if (callerCluster.Density > mergedDensity * MinDensityRatio)
                continue;
            callerCluster.Nodes.AddRange(cluster.Nodes);
            callerCluster.Samples += cluster.Samples;
            callerCluster.Size += cluster.Size;
            foreach (int member in cluster.Nodes)
                clusterOf[member] = callerCluster;
        }

        // The surviving clusters, each found through the function it started with, in density order.
        var clusters = sorted.Where(node => clusterOf[node]!.Nodes[0] == node).Select(node => clusterOf[node]!).ToList();
        var ranked = clusters.Select((cluster, rank) => (cluster, rank)).ToList();
        ranked.Sort((a, b) =>
        {
            int byDensity = b.cluster.Density.CompareTo(a.cluster.Density);
            return byDensity != 0 ? byDensity : a.rank.CompareTo(b.rank);
        });
        return ranked.SelectMany(r => r.cluster.Nodes).ToList();
    }
}
