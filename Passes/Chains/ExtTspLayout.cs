namespace Rewriter.Passes.Chains;

/// <summary>
/// ExtTSP block ordering (Newell and Pupyrev, "Improved Basic Block Reordering"; REFERENCE.md §3),
/// as BOLT's `--reorder-blocks=ext-tsp` does it: start with one chain per block, glue forced
/// pairs, then greedily merge the adjacent chain pair whose merge (plain X·Y or split X1·Y·X2,
/// Y·X2·X1, X2·X1·Y) raises the score most, until no merge gains more than 1e-8; glue the
/// never-executed chains along their original fall-throughs; finally the entry chain, then the
/// others by decreasing density.
/// </summary>
public static class ExtTspLayout
{
    // PERF: the three bounds below are LLVM's (CodeLayout.cpp, ext-tsp-max-chain-size,
    // ext-tsp-chain-split-threshold, ext-tsp-max-merge-density-ratio). Each gain evaluation costs
    // the length of the merged chain, so bounding chains keeps a function of thousands of blocks
    // from costing seconds; the score is lost only on jumps longer than a 512-block chain, which
    // ExtTSP scores near zero anyway.
    /// <summary>Chains are not grown to this many blocks.</summary>
    private const int MaxChainBlocks = 512;
    /// <summary>Chains up to this many blocks are tried at every cut point (except along a fall-through); longer ones only at cuts next to a jump.</summary>
    private const int SplitThreshold = 128;
    /// <summary>Chains whose densities differ more than this many times are not merged: the hot one would be diluted.</summary>
    private const double MaxMergeDensityRatio = 100;

    /// <summary>
    /// Orders nodes 0..n-1 (node 0 is the entry and stays first). <paramref name="edges"/> lists
    /// each source→target pair once, unprofiled ones with count 0, in successor order.
    /// </summary>
    public static int[] Compute(ulong[] sizes, ulong[] counts, IReadOnlyList<WeightedEdge> edges)
    {
        int n = sizes.Length;
        if (n <= 2)
            return Enumerable.Range(0, n).ToArray();
        return new Solver(sizes, counts, edges).Run();
    }

    private sealed class Solver
    {
        private readonly ChainGraph _graph;
        private readonly List<int>[] _successors;
        private readonly List<int>[] _predecessors;
        private readonly int[] _forcedSuccessor;
        private readonly int[] _forcedPredecessor;
        private readonly List<Chain> _hotChains = [];
        private readonly MergeScorer _scorer = new();
        private readonly List<int> _cuts = [];
        private Chain? _cutsChain;

        public Solver(ulong[] sizes, ulong[] counts, IReadOnlyList<WeightedEdge> edges)
        {
            int n = sizes.Length;
            var adjustedCounts = (ulong[])counts.Clone();
            if (adjustedCounts[0] == 0)
                adjustedCounts[0] = 1; // the entry runs at least once
            _graph = new ChainGraph(sizes, adjustedCounts, edges);

            var outDegree = ExtTspScore.OutDegrees(n, edges);
            for (int j = 0; j < _graph.Jumps.Length; j++)
                _graph.Jumps[j].IsConditional = outDegree[_graph.Jumps[j].Source] > 1;

            _successors = new List<int>[n];
            _predecessors = new List<int>[n];
            for (int i = 0; i < n; i++)
            {
                _successors[i] = [];
                _predecessors[i] = [];
            }
            foreach (var edge in edges)
            {
                if (edge.Source == edge.Target)
                    continue;
                _successors[edge.Source].Add(edge.Target);
                _predecessors[edge.Target].Add(edge.Source);
            }
            _forcedSuccessor = Enumerable.Repeat(-1, n).ToArray();
            _forcedPredecessor = Enumerable.Repeat(-1, n).ToArray();

            _graph.CreateChains();
            foreach (var chain in _graph.Chains)
                if (chain.Count > 0)
                    _hotChains.Add(chain);
        }

        public int[] Run()
        {
            MergeForcedPairs();
            MergeChainPairs();
            MergeColdChains();
            return _graph.ConcatenateByDensity(entryFirst: true);
        }

        /// <summary>
        /// B is A's forced successor when A's only successor is B and B's only predecessor is A:
        /// they belong together in any good order, so glue them up front.
        /// </summary>
        private void MergeForcedPairs()
        {
            int n = _graph.NodeCount;
            for (int node = 0; node < n; node++)
            {
                if (_successors[node].Count == 1 && _successors[node][0] != 0 && _predecessors[_successors[node][0]].Count == 1)
                {
                    int successor = _successors[node][0];
                    _forcedSuccessor[node] = successor;
                    _forcedPredecessor[successor] = node;
                }
            }
            // Inaccurate profiles can make forced pairs cycle (a loop); cut each cycle before its
            // lowest-index node, which keeps the loop's original rotation.
            for (int node = 0; node < n; node++)
            {
                if (_forcedSuccessor[node] < 0 || _forcedPredecessor[node] < 0)
                    continue;
                int walk = _forcedSuccessor[node];
                while (walk >= 0 && walk != node)
                    walk = _forcedSuccessor[walk];
                if (walk < 0)
                    continue;
                _forcedSuccessor[_forcedPredecessor[node]] = -1;
                _forcedPredecessor[node] = -1;
            }
            for (int node = 0; node < n; node++)
            {
                if (_forcedPredecessor[node] >= 0 || _forcedSuccessor[node] < 0)
                    continue;
                for (int next = _forcedSuccessor[node]; next >= 0; next = _forcedSuccessor[next])
                    MergeChains(_graph.ChainOf[node], _graph.ChainOf[next], 0, MergeType.XY);
            }
        }

        /// <summary>Greedy: merge the chain pair with the best gain until nothing gains.</summary>
        private void MergeChainPairs()
        {
            while (_hotChains.Count > 1)
            {
                Chain? bestPredecessor = null, bestSuccessor = null;
                var bestGain = MergeGain.None;
                // PERF: gains are cached per chain edge and recomputed only for edges of the
                // chain that just changed, so each round is a scan over cached values.
                foreach (var predecessor in _hotChains)
                {
                    foreach (var (successor, edge) in predecessor.Edges)
                    {
                        if (successor == predecessor)
                            continue;
                        var gain = CandidateGain(predecessor, successor, edge);
                        if (gain.Score <= MergeGain.Epsilon)
                            continue;
                        if (bestGain.IsWorseThan(gain) ||
                            (Math.Abs(gain.Score - bestGain.Score) < MergeGain.Epsilon && IsLowerPair(predecessor, successor, bestPredecessor!, bestSuccessor!)))
                        {
                            bestGain = gain;
                            bestPredecessor = predecessor;
                            bestSuccessor = successor;
                        }
                    }
                }
                if (bestGain.Score <= MergeGain.Epsilon)
                    break;
                MergeChains(bestPredecessor!, bestSuccessor!, bestGain.Offset, bestGain.Type);
            }
        }

        /// <summary>
        /// The best merge of the pair, or <see cref="MergeGain.None"/> when the bounds forbid it;
        /// cached per edge like the gain, as both depend on the two chains alone.
        /// </summary>
        private MergeGain CandidateGain(Chain predecessor, Chain successor, ChainEdge edge)
        {
            if (edge.TryGetCachedGain(predecessor, out var cached))
                return cached;
            var gain = predecessor.Nodes.Count + successor.Nodes.Count >= MaxChainBlocks || DensitiesTooFarApart(predecessor, successor)
                ? MergeGain.None
                : BestMergeGain(predecessor, successor, edge);
            edge.SetCachedGain(predecessor, gain);
            return gain;
        }

        private static bool DensitiesTooFarApart(Chain a, Chain b)
        {
            double x = (double)a.Count / Math.Max(1UL, a.Size), y = (double)b.Count / Math.Max(1UL, b.Size);
            double low = Math.Min(x, y), high = Math.Max(x, y);
            return low > 0 && high > MaxMergeDensityRatio * low;
        }

        private static bool IsLowerPair(Chain a1, Chain b1, Chain a2, Chain b2) =>
            a1.Id < a2.Id || (a1.Id == a2.Id && b1.Id < b2.Id);

        /// <summary>
        /// Glues never-executed chains along original fall-throughs (the later successor first,
        /// which is the fall-through for a conditional branch) so cold code keeps its input order.
        /// </summary>
        private void MergeColdChains()
        {
            for (int source = 0; source < _graph.NodeCount; source++)
            {
                var successors = _successors[source];
                for (int i = successors.Count - 1; i >= 0; i--)
                {
                    int target = successors[i];
                    var sourceChain = _graph.ChainOf[source];
                    var targetChain = _graph.ChainOf[target];
                    if (sourceChain != targetChain && targetChain.Nodes[0] != 0 &&
                        sourceChain.Nodes[^1] == source && targetChain.Nodes[0] == target &&
                        IsCold(sourceChain) == IsCold(targetChain))
                        MergeChains(sourceChain, targetChain, 0, MergeType.XY);
                }
            }
        }

        private bool IsCold(Chain chain) => chain.Nodes.All(n => _graph.Counts[n] == 0);

        /// <summary>The best way to merge <paramref name="successor"/> into <paramref name="predecessor"/>.</summary>
        private MergeGain BestMergeGain(Chain predecessor, Chain successor, ChainEdge edge)
        {
            // Only the jumps between the two chains and inside X change their score; Y stays intact.
            // X·Y leaves X where it is, so its own jumps score exactly x.Score (the same jumps, the
            // same addresses, summed in the same order): the sum below is the same double.
            var inside = predecessor.EdgeTo(predecessor)?.Jumps;
            _scorer.Load(_graph, predecessor, successor, edge.Jumps, inside);
            double xyInside = inside == null ? 0 : predecessor.Score;
            var gain = Consider(MergeGain.None, predecessor, successor, _scorer.ScoreBetweenXY() + xyInside, 0, MergeType.XY);

            // Cut X right after a block that jumps to Y's head, or right before a block Y's tail jumps to.
            foreach (int j in _graph.InJumps[successor.Nodes[0]])
            {
                int source = _graph.Jumps[j].Source;
                if (_graph.ChainOf[source] == predecessor)
                    gain = TrySplit(gain, predecessor, successor, _graph.IndexInChain[source] + 1, SplitTypes.X1YX2 | SplitTypes.X2X1Y);
            }
            foreach (int j in _graph.OutJumps[successor.Nodes[^1]])
            {
                int target = _graph.Jumps[j].Target;
                if (_graph.ChainOf[target] == predecessor)
                    gain = TrySplit(gain, predecessor, successor, _graph.IndexInChain[target], SplitTypes.X1YX2 | SplitTypes.YX2X1);
            }
            if (predecessor.Nodes.Count <= SplitThreshold)
                foreach (int offset in CutsOf(predecessor))
                    gain = TrySplit(gain, predecessor, successor, offset, SplitTypes.All);

            return gain;
        }

        /// <summary>
        /// X's cuts tried with every merge type, in increasing order: not along a jump that falls
        /// through (the anchored cuts break one when that makes a new fall-through), which also
        /// keeps forced pairs together. PERF: kept for the last X asked about until it changes, as
        /// the chain just merged is X for each of its neighbours in turn.
        /// </summary>
        private List<int> CutsOf(Chain x)
        {
            if (_cutsChain == x)
                return _cuts;
            _cuts.Clear();
            for (int offset = 1; offset < x.Nodes.Count; offset++)
                if (!_successors[x.Nodes[offset - 1]].Contains(x.Nodes[offset]))
                    _cuts.Add(offset);
            _cutsChain = x;
            return _cuts;
        }

        /// <summary>The split merges to try at one cut (tried in this order).</summary>
        [Flags]
        private enum SplitTypes { X1YX2 = 1, YX2X1 = 2, X2X1Y = 4, All = X1YX2 | YX2X1 | X2X1Y }

        private MergeGain TrySplit(MergeGain best, Chain x, Chain y, int offset, SplitTypes types)
        {
            if (offset == 0 || offset == x.Nodes.Count)
                return best; // not a split
            if (_forcedSuccessor[x.Nodes[offset - 1]] >= 0)
                return best; // never separate a forced pair
            var (x1yx2, yx2x1, x2x1y) = _scorer.ScoreSplits(offset);
            if ((types & SplitTypes.X1YX2) != 0)
                best = Consider(best, x, y, x1yx2, offset, MergeType.X1YX2);
            if ((types & SplitTypes.YX2X1) != 0)
                best = Consider(best, x, y, yx2x1, offset, MergeType.YX2X1);
            if ((types & SplitTypes.X2X1Y) != 0)
                best = Consider(best, x, y, x2x1y, offset, MergeType.X2X1Y);
            return best;
        }

        /// <summary>Keeps the better of <paramref name="best"/> and the merge whose changed jumps score <paramref name="score"/>.</summary>
        private static MergeGain Consider(MergeGain best, Chain x, Chain y, double score, int offset, MergeType type)
        {
            // The entry block must stay the function's first block.
            if ((x.Nodes[0] == 0 || y.Nodes[0] == 0) && MergedNodes.Of(x.Nodes, y.Nodes, offset, type).First != 0)
                return best;
            var candidate = new MergeGain(score - x.Score, offset, type);
            return best.IsWorseThan(candidate) ? candidate : best;
        }

        /// <summary>Score of <paramref name="jumps"/> at the addresses last assigned.</summary>
        private double Score(List<int> jumps)
        {
            // PERF: the innermost loop of the algorithm; reads the scratch address array only.
            var addresses = _graph.Addresses;
            var sizes = _graph.Sizes;
            double score = 0;
            foreach (int j in jumps)
            {
                ref readonly var jump = ref _graph.Jumps[j];
                score += ExtTspScore.Jump(addresses[jump.Source], sizes[jump.Source], addresses[jump.Target], jump.Count, jump.IsConditional);
            }
            return score;
        }

        private void MergeChains(Chain into, Chain from, int offset, MergeType type)
        {
            _graph.Merge(into, from, MergedNodes.Of(into.Nodes, from.Nodes, offset, type));
            if (into.EdgeTo(into) is { } self)
            {
                MergedNodes.Of(into.Nodes, [], 0, MergeType.XY).AssignAddresses(_graph.Sizes, _graph.Addresses);
                into.Score = Score(self.Jumps);
            }
            _hotChains.Remove(from);
            _scorer.Forget(into);
            if (_cutsChain == into)
                _cutsChain = null;
            foreach (var (_, edge) in into.Edges)
                edge.InvalidateCache();
        }
    }
}
