namespace Rewriter.Passes.Chains;

/// <summary>
/// Cache-directed sort of functions (CDSort; REFERENCE.md §3, LLVM's CodeLayout): chains of
/// functions merged greedily through a priority queue of chain pairs while the gain is positive.
/// The gain of putting Y after (or before) X is the change in call-distance locality
/// (Σ count · distance^−0.25, against every call being "far") plus 0.25 × the change in expected
/// cache misses (a 16-entry cache of 2 KiB lines), divided by the smaller chain's size so that
/// small chains merge first. Chains are then laid out by decreasing density.
/// </summary>
public static class CdSortLayout
{
    public sealed record Config
    {
        public int CacheEntries { get; init; } = 16;
        public ulong CacheLineSize { get; init; } = 2048;
        public double DistancePower { get; init; } = 0.25;
        public double FrequencyScale { get; init; } = 0.25;
    }

    /// <summary>
    /// Orders nodes 0..n-1 (functions) from their sizes, sample counts and call arcs
    /// (<see cref="WeightedEdge.Offset"/>: where in the caller the calls are, on average).
    /// </summary>
    public static int[] Compute(ulong[] sizes, ulong[] counts, IReadOnlyList<WeightedEdge> calls, Config? config = null) =>
        new Solver(sizes, counts, calls, config ?? new Config()).Run();

    private sealed class Solver
    {
        private readonly Config _config;
        private readonly ChainGraph _graph;
        private readonly List<Chain> _hotChains = [];
        private readonly double _totalSamples;
        private readonly ulong _totalSize;

        public Solver(ulong[] sizes, ulong[] counts, IReadOnlyList<WeightedEdge> calls, Config config)
        {
            _config = config;
            _graph = new ChainGraph(sizes, counts, calls);
            for (int n = 0; n < _graph.NodeCount; n++)
            {
                _totalSamples += _graph.Counts[n];
                if (_graph.Counts[n] > 0)
                    _totalSize += _graph.Sizes[n];
            }
            // A function runs at least as often as it is called, and as it calls out.
            for (int n = 0; n < _graph.NodeCount; n++)
                _graph.Counts[n] = Math.Max(_graph.Counts[n], Math.Max(_graph.InCount(n), _graph.OutCount(n)));
            _graph.CreateChains();
            foreach (var chain in _graph.Chains)
                if (chain.Count > 0)
                    _hotChains.Add(chain);
        }

        public int[] Run()
        {
            MergeChainPairs();
            return _graph.ConcatenateByDensity(entryFirst: false);
        }

        private void MergeChainPairs()
        {
            // Best gain first; ties broken by chain ids so the result never depends on hashing.
            var queue = new SortedSet<ChainEdge>(Comparer<ChainEdge>.Create((l, r) =>
            {
                int byGain = r.Gain.Score.CompareTo(l.Gain.Score);
                if (byGain != 0) return byGain;
                int bySource = l.Source.Id.CompareTo(r.Source.Id);
                return bySource != 0 ? bySource : l.Target.Id.CompareTo(r.Target.Id);
            }));

            foreach (var chain in _hotChains)
            {
                foreach (var (_, edge) in chain.Edges)
                {
                    if (edge.IsSelfEdge || edge.Gain != MergeGain.None)
                        continue; // a loop, or seen from the other end already
                    edge.Gain = BestMergeGain(edge);
                    if (edge.Gain.Score > MergeGain.Epsilon)
                        queue.Add(edge);
                }
            }

            while (queue.Count > 0)
            {
                var best = queue.Min!;
                queue.Remove(best);
                if (best.IsSelfEdge || best.Gain.Score <= MergeGain.Epsilon)
                    continue;
                var source = best.Source;
                var target = best.Target;
                // Every edge touching either chain is about to change: take them out while their keys hold.
                foreach (var (_, edge) in source.Edges)
                    queue.Remove(edge);
                foreach (var (_, edge) in target.Edges)
                    queue.Remove(edge);

                _graph.Merge(source, target, MergedNodes.Of(source.Nodes, target.Nodes, best.Gain.Offset, best.Gain.Type));
                _hotChains.Remove(target);

                foreach (var (_, edge) in source.Edges)
                {
                    if (edge.IsSelfEdge)
                        continue;
                    edge.Gain = BestMergeGain(edge);
                    if (edge.Gain.Score > MergeGain.Epsilon)
                        queue.Add(edge);
                }
            }
        }

        /// <summary>X·Y or Y·X, whichever gains more; on a tie the one keeping the input order.</summary>
        private MergeGain BestMergeGain(ChainEdge edge)
        {
            var x = edge.Source;
            var y = edge.Target;
            var gain = MergeGain.None;
            foreach (var type in (ReadOnlySpan<MergeType>)[MergeType.XY, MergeType.YX])
            {
                var candidate = ComputeMergeGain(x, y, edge.Jumps, type);
                if (Math.Abs(gain.Score - candidate.Score) < MergeGain.Epsilon)
                {
                    if ((type == MergeType.XY && x.Id < y.Id) || (type == MergeType.YX && x.Id > y.Id))
                        gain = candidate;
                }
                else if (candidate.Score > gain.Score + MergeGain.Epsilon)
                {
                    gain = candidate;
                }
            }
            return gain;
        }

        private MergeGain ComputeMergeGain(Chain x, Chain y, List<int> jumps, MergeType type)
        {
            double frequencyGain = FrequencyLocalityGain(x, y);
            double distanceGain = DistanceLocalityGain(x, y, type, jumps);
            double score = distanceGain + _config.FrequencyScale * frequencyGain;
            if (score >= 0.0)
                score /= Math.Min(x.Size, y.Size);
            return new MergeGain(score, 0, type);
        }

        /// <summary>Expected cache misses saved by putting the two chains' samples on shared lines.</summary>
        private double FrequencyLocalityGain(Chain x, Chain y)
        {
            double before = x.Count * MissProbability(x.Density) + y.Count * MissProbability(y.Density);
            double mergedCount = (double)x.Count + y.Count;
            double mergedDensity = mergedCount / ((double)x.Size + y.Size);
            return before - mergedCount * MissProbability(mergedDensity);
        }

        private double MissProbability(double density)
        {
            double lineSamples = density * _config.CacheLineSize;
            if (lineSamples >= _totalSamples)
                return 0.0;
            return Math.Pow(1.0 - lineSamples / _totalSamples, _config.CacheEntries);
        }

        /// <summary>Σ count · distance^−p over the calls between the chains, relative to all calls being far apart.</summary>
        private double DistanceLocalityGain(Chain x, Chain y, MergeType type, List<int> jumps)
        {
            if (jumps.Count == 0)
                return 0.0;
            // PERF: each call end's address from its place in its own chain (the addresses laying
            // out X·Y or Y·X gives, exactly), not a layout of the whole merged order: a chain of
            // thousands of functions would cost its length for each of its edges after every merge.
            ulong xBase = type == MergeType.XY ? 0 : y.Size, yBase = type == MergeType.XY ? x.Size : 0;
            var places = _graph.Places;
            ulong AddressOf(int node) => (places[node].Chain == x.Id ? xBase : yBase) + places[node].Offset;
            double before = 0, after = 0;
            foreach (int j in jumps)
            {
                ref readonly var call = ref _graph.Jumps[j];
                after += DistanceScore(AddressOf(call.Source) + call.Offset, AddressOf(call.Target), call.Count);
                before += DistanceScore(0, _totalSize, call.Count);
            }
            return after - before;
        }

        private double DistanceScore(ulong from, ulong to, ulong count)
        {
            ulong distance = from <= to ? to - from : from - to;
            double d = distance == 0 ? 0.1 : distance;
            return count * Math.Pow(d, -_config.DistancePower);
        }
    }
}
