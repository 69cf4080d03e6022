namespace Rewriter.Passes.Chains;

/// <summary>
/// A profiled arc between two nodes of a layout graph: a jump between blocks, or calls from one
/// function to another. <see cref="Offset"/> is where in the source node the arc leaves (calls only).
/// </summary>
public readonly record struct WeightedEdge(int Source, int Target, ulong Count, ulong Offset = 0);

/// <summary>How chain X (split at an offset into X1·X2) and chain Y are glued together.</summary>
internal enum MergeType : byte { XY, YX, X1YX2, YX2X1, X2X1Y }

/// <summary>The score increase of one way of merging two chains.</summary>
internal readonly record struct MergeGain(double Score, int Offset, MergeType Type)
{
    /// <summary>Scores closer than this are ties (as in LLVM's CodeLayout).</summary>
    public const double Epsilon = 1e-8;

    /// <summary>The "no merge" gain: worse than any real one.</summary>
    public static MergeGain None { get; } = new(-1.0, 0, MergeType.XY);

    /// <summary>True when <paramref name="other"/> is clearly better (ties keep the incumbent).</summary>
    public bool IsWorseThan(MergeGain other) => other.Score > Epsilon && other.Score > Score + Epsilon;
}

/// <summary>One arc of the graph, as the chain algorithms see it.</summary>
internal struct Jump
{
    public int Source;
    public int Target;
    public ulong Count;
    public ulong Offset;
    public bool IsConditional;
}

/// <summary>An ordered run of nodes that will be laid out contiguously.</summary>
internal sealed class Chain(int node, ulong count, ulong size)
{
    /// <summary>The first node's index: a stable key for tie-breaking.</summary>
    public int Id { get; set; } = node;
    /// <summary>ExtTSP score of the chain's internal jumps (ExtTSP only).</summary>
    public double Score { get; set; }
    public ulong Count { get; set; } = count;
    public ulong Size { get; set; } = size;
    public List<int> Nodes { get; private set; } = [node];
    /// <summary>Adjacent chains in insertion order (deterministic), with the edge to each.</summary>
    public List<(Chain Other, ChainEdge Edge)> Edges { get; } = [];

    public double Density => (double)Count / Size;
    public bool IsEmpty => Nodes.Count == 0;

    public ChainEdge? EdgeTo(Chain other)
    {
        foreach (var (chain, edge) in Edges)
            if (chain == other)
                return edge;
        return null;
    }

    public void AddEdge(Chain other, ChainEdge edge) => Edges.Add((other, edge));

    public void RemoveEdge(Chain other)
    {
        int index = Edges.FindIndex(e => e.Other == other);
        if (index >= 0)
            Edges.RemoveAt(index);
    }

    public void ReplaceNodes(List<int> nodes) => Nodes = nodes;

    public void Clear()
    {
        Nodes = [];
        Edges.Clear();
    }
}

/// <summary>All arcs between two chains (or within one: a self edge), merged as chains merge.</summary>
internal sealed class ChainEdge(Chain source, Chain target, int jump)
{
    public Chain Source { get; private set; } = source;
    public Chain Target { get; private set; } = target;
    public List<int> Jumps { get; } = [jump];
    public bool IsSelfEdge => Source == Target;

    /// <summary>The best merge of Source into Target (CDSort's queue key).</summary>
    public MergeGain Gain { get; set; } = MergeGain.None;

    // ExtTSP caches the best merge per direction until either chain changes.
    private MergeGain _forward = MergeGain.None, _backward = MergeGain.None;
    private bool _forwardValid, _backwardValid;

    public void MoveJumpsFrom(ChainEdge other)
    {
        Jumps.AddRange(other.Jumps);
        other.Jumps.Clear();
    }

    public void ChangeEndpoint(Chain from, Chain to)
    {
        if (Source == from) Source = to;
        if (Target == from) Target = to;
    }

    public bool TryGetCachedGain(Chain predecessor, out MergeGain gain)
    {
        bool forward = predecessor == Source;
        gain = forward ? _forward : _backward;
        return forward ? _forwardValid : _backwardValid;
    }

    public void SetCachedGain(Chain predecessor, MergeGain gain)
    {
        if (predecessor == Source) { _forward = gain; _forwardValid = true; }
        else { _backward = gain; _backwardValid = true; }
    }

    public void InvalidateCache() => _forwardValid = _backwardValid = false;
}

/// <summary>
/// Three node runs glued together: the candidate order of a merge, built without copying.
/// </summary>
internal readonly struct MergedNodes
{
    private readonly List<int> _a, _b, _c;
    private readonly int _a0, _a1, _b0, _b1, _c0, _c1;

    private MergedNodes(List<int> a, int a0, int a1, List<int> b, int b0, int b1, List<int> c, int c0, int c1)
    {
        (_a, _a0, _a1, _b, _b0, _b1, _c, _c0, _c1) = (a, a0, a1, b, b0, b1, c, c0, c1);
    }

    /// <summary>Chain X cut at <paramref name="offset"/> into X1·X2, glued with Y as <paramref name="type"/> says.</summary>
    public static MergedNodes Of(List<int> x, List<int> y, int offset, MergeType type) => type switch
    {
        MergeType.XY => new(x, 0, x.Count, y, 0, y.Count, y, 0, 0),
        MergeType.YX => new(y, 0, y.Count, x, 0, x.Count, x, 0, 0),
        MergeType.X1YX2 => new(x, 0, offset, y, 0, y.Count, x, offset, x.Count),
        MergeType.YX2X1 => new(y, 0, y.Count, x, offset, x.Count, x, 0, offset),
        MergeType.X2X1Y => new(x, offset, x.Count, x, 0, offset, y, 0, y.Count),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public int First => _a1 > _a0 ? _a[_a0] : _b1 > _b0 ? _b[_b0] : _c[_c0];

    /// <summary>Gives each node its address in the merged order (prefix sums of sizes).</summary>
    public void AssignAddresses(ulong[] sizes, ulong[] addresses)
    {
        // PERF: runs for every candidate merge; three plain loops, no allocation.
        ulong address = 0;
        for (int i = _a0; i < _a1; i++) { int n = _a[i]; addresses[n] = address; address += sizes[n]; }
        for (int i = _b0; i < _b1; i++) { int n = _b[i]; addresses[n] = address; address += sizes[n]; }
        for (int i = _c0; i < _c1; i++) { int n = _c[i]; addresses[n] = address; address += sizes[n]; }
    }

    /// <summary>True when the order begins with every node of <paramref name="list"/>, in its order.</summary>
    public bool StartsWithAllOf(List<int> list) => _a == list && _a0 == 0 && _a1 == list.Count && list.Count > 0;

    /// <summary>Appends the order's nodes after the first <paramref name="prefix"/>'s (see <see cref="StartsWithAllOf"/>) to that list.</summary>
    public List<int> AppendAfter(List<int> prefix)
    {
        for (int i = _b0; i < _b1; i++) prefix.Add(_b[i]);
        for (int i = _c0; i < _c1; i++) prefix.Add(_c[i]);
        return prefix;
    }

    public List<int> ToList()
    {
        var list = new List<int>(_a1 - _a0 + _b1 - _b0 + _c1 - _c0);
        for (int i = _a0; i < _a1; i++) list.Add(_a[i]);
        for (int i = _b0; i < _b1; i++) list.Add(_b[i]);
        for (int i = _c0; i < _c1; i++) list.Add(_c[i]);
        return list;
    }
}

/// <summary>A node's chain (its id), its index in the chain and the chain's bytes before it: one record, one cache line.</summary>
internal struct NodePlace
{
    public int Chain;
    public int Index;
    public ulong Offset;
}

/// <summary>
/// The state both chain-merging algorithms (ExtTSP for blocks, CDSort for functions) share:
/// nodes with sizes and counts, the arcs between them, one chain per node to begin with, and
/// one edge per adjacent chain pair. Node 0 is the entry for ExtTSP.
/// </summary>
internal sealed class ChainGraph
{
    public ChainGraph(ulong[] sizes, ulong[] counts, IReadOnlyList<WeightedEdge> arcs)
    {
        NodeCount = sizes.Length;
        Sizes = new ulong[NodeCount];
        Counts = new ulong[NodeCount];
        for (int n = 0; n < NodeCount; n++)
        {
            Sizes[n] = Math.Max(sizes[n], 1UL); // zero-size nodes would make densities infinite
            Counts[n] = counts[n];
        }
        Addresses = new ulong[NodeCount];
        ChainOf = new Chain[NodeCount];
        IndexInChain = new int[NodeCount];
        Places = new NodePlace[NodeCount];
        for (int n = 0; n < NodeCount; n++)
            Places[n].Chain = n; // one chain per node, whose id is the node
        InJumps = new List<int>[NodeCount];
        OutJumps = new List<int>[NodeCount];
        for (int n = 0; n < NodeCount; n++)
        {
            InJumps[n] = [];
            OutJumps[n] = [];
        }
        var jumps = new List<Jump>();
        foreach (var arc in arcs)
        {
            if (arc.Count == 0 || arc.Source == arc.Target)
                continue;
            InJumps[arc.Target].Add(jumps.Count);
            OutJumps[arc.Source].Add(jumps.Count);
            jumps.Add(new Jump { Source = arc.Source, Target = arc.Target, Count = arc.Count, Offset = arc.Offset });
        }
        Jumps = jumps.ToArray();
    }

    public int NodeCount { get; }
    public ulong[] Sizes { get; }
    public ulong[] Counts { get; }
    /// <summary>Scratch: node addresses within the candidate order being scored.</summary>
    public ulong[] Addresses { get; }
    public Chain[] ChainOf { get; }
    public int[] IndexInChain { get; }
    /// <summary>Each node's chain id, index in it and offset inside it (the sizes of the nodes before it): a candidate merge finds each jump end's address from it.</summary>
    public NodePlace[] Places { get; }
    public List<int>[] InJumps { get; }
    public List<int>[] OutJumps { get; }
    public Jump[] Jumps { get; }
    /// <summary>Every chain ever made, one per node, in node order; merged-away chains are empty.</summary>
    public List<Chain> Chains { get; } = [];

    public ulong InCount(int node) => InJumps[node].Aggregate(0UL, (sum, j) => sum + Jumps[j].Count);
    public ulong OutCount(int node) => OutJumps[node].Aggregate(0UL, (sum, j) => sum + Jumps[j].Count);

    /// <summary>One chain per node, then one chain edge per connected chain pair.</summary>
    public void CreateChains()
    {
        for (int n = 0; n < NodeCount; n++)
        {
            var chain = new Chain(n, Counts[n], Sizes[n]);
            Chains.Add(chain);
            ChainOf[n] = chain;
        }
        for (int n = 0; n < NodeCount; n++)
        {
            foreach (int j in OutJumps[n])
            {
                var source = ChainOf[n];
                var target = ChainOf[Jumps[j].Target];
                if (source.EdgeTo(target) is { } existing)
                {
                    existing.Jumps.Add(j);
                    continue;
                }
                var edge = new ChainEdge(source, target, j);
                source.AddEdge(target, edge);
                target.AddEdge(source, edge);
            }
        }
    }

    /// <summary>Merges chain <paramref name="from"/> into <paramref name="into"/> in the given order, with their edges.</summary>
    public void Merge(Chain into, Chain from, MergedNodes order)
    {
        // PERF: when the merged order starts with all of into's nodes (X·Y), they keep their
        // places and only the appended ones get theirs: a long chain grown a little at a time
        // (CDSort's hot chain of thousands of functions) is not rewritten at every merge.
        int kept = order.StartsWithAllOf(into.Nodes) ? into.Nodes.Count : 0;
        ulong offset = kept == 0 ? 0 : Places[into.Nodes[kept - 1]].Offset + Sizes[into.Nodes[kept - 1]];
        var nodes = kept == 0 ? order.ToList() : order.AppendAfter(into.Nodes);
        into.ReplaceNodes(nodes);
        into.Count += from.Count;
        into.Size += from.Size;
        into.Id = nodes[0];
        for (int i = kept; i < nodes.Count; i++)
        {
            ChainOf[nodes[i]] = into;
            IndexInChain[nodes[i]] = i;
            Places[nodes[i]] = new NodePlace { Chain = into.Id, Index = i, Offset = offset };
            offset += Sizes[nodes[i]];
        }
        MergeEdges(into, from);
        from.Clear();
    }

    /// <summary>Re-homes <paramref name="from"/>'s edges on <paramref name="into"/>, combining parallel ones.</summary>
    private static void MergeEdges(Chain into, Chain from)
    {
        foreach (var (other, edge) in from.Edges)
        {
            var target = other == from ? into : other;
            var existing = into.EdgeTo(target);
            if (existing == null)
            {
                edge.ChangeEndpoint(from, into);
                into.AddEdge(target, edge);
                if (other != into && other != from)
                    other.AddEdge(into, edge);
            }
            else
            {
                existing.MoveJumpsFrom(edge);
            }
            if (other != from)
                other.RemoveEdge(from);
        }
    }

    /// <summary>Live chains by decreasing density, ties by id; optionally the entry chain (node 0) first.</summary>
    public int[] ConcatenateByDensity(bool entryFirst)
    {
        var live = Chains.Where(c => !c.IsEmpty).Select(c =>
        {
            // Sum as doubles, as counts may be large.
            double size = 0, count = 0;
            foreach (int n in c.Nodes) { size += Sizes[n]; count += Counts[n]; }
            return (Chain: c, Density: count / size, Entry: entryFirst && c.Nodes[0] == 0);
        }).ToList();
        live.Sort((l, r) =>
        {
            if (l.Entry != r.Entry) return l.Entry ? -1 : 1;
            int byDensity = r.Density.CompareTo(l.Density);
            return byDensity != 0 ? byDensity : l.Chain.Id.CompareTo(r.Chain.Id);
        });
        var order = new int[NodeCount];
        int k = 0;
        foreach (var (chain, _, _) in live)
            foreach (int n in chain.Nodes)
                order[k++] = n;
        return order;
    }
}
