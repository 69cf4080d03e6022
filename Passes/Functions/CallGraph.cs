using Iced.Intel;
using Rewriter.Model;
using Rewriter.Passes.Chains;

namespace Rewriter.Passes.Functions;

/// <summary>
/// The profiled call graph that function ordering works on. Node i is <see cref="Functions"/>[i];
/// an arc carries the calls (and tail calls) from caller to callee, with the average offset of
/// its call sites inside the caller's laid-out hot code.
/// </summary>
public sealed class CallGraph
{
    private CallGraph(FunctionId[] functions, ulong[] sizes, ulong[] samples, List<WeightedEdge> calls)
    {
        Functions = functions;
        Sizes = sizes;
        Samples = samples;
        Calls = calls;
    }

    public FunctionId[] Functions { get; }
    /// <summary>Bytes placed in .text: the hot part of a split function, else the whole function (at least 1).</summary>
    public ulong[] Sizes { get; }
    /// <summary>How often each function ran (its entry count; the entry block's count when that is missing).</summary>
    public ulong[] Samples { get; }
    /// <summary>Arcs sorted by (caller, callee); recursive calls are left out.</summary>
    public IReadOnlyList<WeightedEdge> Calls { get; }

    public static CallGraph Build(BinaryContext context, BinaryLayout layout, IReadOnlyList<FunctionId> nodes)
    {
        var nodeOf = new Dictionary<FunctionId, int>();
        for (int i = 0; i < nodes.Count; i++)
            nodeOf[nodes[i]] = i;
        var sizes = new ulong[nodes.Count];
        var samples = new ulong[nodes.Count];
        var arcs = new Dictionary<(int Caller, int Callee), (ulong Count, double OffsetSum)>();

        for (int caller = 0; caller < nodes.Count; caller++)
        {
            var function = context.Functions[nodes[caller].Value];
            var functionLayout = layout[function.Id];
            sizes[caller] = Math.Max(1, HotSize(function, functionLayout));
            samples[caller] = SamplesOf(function);
            if (function.Body is not { } body)
                continue;
            foreach (var (target, count, offset) in CallSites(context, function, body, functionLayout))
            {
                if (context.FunctionAt(target) is not { } callee ||
                    !nodeOf.TryGetValue(callee.Id, out int calleeNode) || calleeNode == caller || count == 0)
                    continue;
                var key = (caller, calleeNode);
                var sum = arcs.GetValueOrDefault(key);
                arcs[key] = (sum.Count + count, sum.OffsetSum + (double)offset * count);
            }
        }

        var calls = arcs.OrderBy(a => a.Key.Caller).ThenBy(a => a.Key.Callee)
            .Select(a => new WeightedEdge(a.Key.Caller, a.Key.Callee, a.Value.Count, (ulong)(a.Value.OffsetSum / a.Value.Count)))
            .ToList();
        return new CallGraph(nodes.ToArray(), sizes, samples, calls);
    }

    private static ulong HotSize(BinaryFunction function, FunctionLayout? layout)
    {
        if (layout == null || !layout.IsSplit || function.Body is not { } body)
            return function.Size;
        ulong size = 0;
        foreach (var block in body.Blocks)
            if (!layout.IsCold[block.Index])
                size += block.Size;
        return size;
    }

    private static ulong SamplesOf(BinaryFunction function)
    {
        if (function.ExecutionCount > 0 || function.Body is not { Blocks.Length: > 0 } body)
            return function.ExecutionCount;
        return body.Blocks[0].ExecutionCount;
    }

    /// <summary>
    /// Every call and tail call of the function: its target, how often it ran and its offset in
    /// the laid-out function. A direct one counts the profiled call-site count, else its block's
    /// count; an indirect one (through a register, memory or a function-pointer table) has no
    /// target of its own, so each callee the profile saw it reach is a call site of its own, with
    /// that callee's count — as llvm-bolt's call graph takes them — so that a caller and the
    /// callbacks it runs (a sort and its comparison function) are placed together.
    /// </summary>
    private static IEnumerable<(ulong Target, ulong Count, ulong Offset)> CallSites(BinaryContext context, BinaryFunction function, FunctionBody body, FunctionLayout? layout)
    {
        var counts = context.CallSiteCounts;
        var targets = context.ProfiledCallTargets;
        if (body.Blocks.Length == 0)
        {
            // Not disassembled into blocks: only call sites the profile names have a count.
            for (int i = 0; i < body.Instructions.Length; i++)
            {
                ulong ip = body.Instructions[i].IP;
                if (IsCall(body.References[i]))
                {
                    if (counts.TryGetValue(ip, out ulong count))
                        yield return (body.References[i].Target, count, ip - function.Address);
                }
                else if (targets.TryGetValue(ip, out var callees))
                    foreach (var callee in callees)
                        yield return (callee.Callee, callee.Count, ip - function.Address);
            }
            yield break;
        }

        var blockOffset = new ulong[body.Blocks.Length];
        if (layout != null)
        {
            ulong offset = 0;
            foreach (int b in layout.BlockOrder)
            {
                blockOffset[b] = offset;
                offset += body.Blocks[b].Size;
            }
        }
        else
        {
            foreach (var block in body.Blocks)
                blockOffset[block.Index] = block.Address - function.Address;
        }

        foreach (var block in body.Blocks)
        {
            for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
            {
                ulong ip = body.Instructions[i].IP;
                if (!IsCall(body.References[i]))
                {
                    if (targets.TryGetValue(ip, out var callees))
                        foreach (var callee in callees)
                            yield return (callee.Callee, callee.Count, blockOffset[block.Index] + (ip - block.Address));
                    continue;
                }
                if (!counts.TryGetValue(ip, out ulong count))
                    count = body.Instructions[i].FlowControl == FlowControl.ConditionalBranch ? block.TailCallCount : block.ExecutionCount;
                yield return (body.References[i].Target, count, blockOffset[block.Index] + (ip - block.Address));
            }
        }
    }

    private static bool IsCall(InstructionReference reference) => reference.Kind is ReferenceKind.Call or ReferenceKind.TailCall;
}
