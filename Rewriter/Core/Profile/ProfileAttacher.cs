using Iced.Intel;
using Rewriter.Diagnostics;
using Rewriter.Model;

namespace Rewriter.Profile;

/// <summary>What attaching a profile found: coverage and records that did not fit.</summary>
public sealed record ProfileSummary(int FunctionsWithProfile, int FunctionsTotal, int RecordsMatched, int RecordsStale,
    IReadOnlyList<string> UnknownNames);

/// <summary>
/// Puts a profile on the CFGs: branch records become edge counts, calls become entry counts, and
/// block counts follow (a block runs as often as control enters it, and at least as often as it
/// leaves). Sample profiles give block counts, and edge counts are inferred from them.
/// </summary>
public static class ProfileAttacher
{
    private const int MaxStaleExamples = 20;

    public static ProfileSummary Attach(BinaryContext context, ProfileData profile, Log log)
    {
        var names = NameIndex(context);
        var counts = new ProfileCounts(context.Functions.Count);
        int matched = 0, stale = 0;
        var staleExamples = new List<string>();
        int inNonSimple = 0;
        var unknown = new SortedSet<string>(StringComparer.Ordinal);

        BinaryFunction? Resolve(ProfileLocation location)
        {
            if (!location.IsSymbol)
                return null;
            var function = Lookup(names, location.Name);
            if (function == null)
                unknown.Add(location.Name);
            return function;
        }

        if (profile.IsSampleProfile)
        {
            foreach (var sample in profile.Samples)
            {
                var function = Resolve(sample.At);
                if (function?.Body is not { Blocks.Length: > 0 } body || !function.IsSimple)
                {
                    stale++;
                    continue;
                }
                int block = body.BlockContaining(function.Address + sample.At.Offset);
                if (block < 0) { stale++; continue; }
                counts.Samples(function.Id.Value, body.Blocks.Length)[block] += sample.Count;
                function.HasProfile = true;
                matched++;
            }
            foreach (var function in context.Functions.Where(f => f.HasProfile))
                SampleInference.Apply(function, counts.Samples(function.Id.Value, function.Body!.Blocks.Length), profile.SampleEvent);
        }
        else
        {
            foreach (var record in profile.Branches)
            {
                var from = Resolve(record.From);
                var to = Resolve(record.To);
                // Within one function it is a branch or fall-through (also from a call that ends its
                // block into the next one); only a call back to its own entry is a recursive call.
                if (from != null && from == to && (record.To.Offset != 0 || !IsCall(from, record.From.Offset)))
                {
                    if (!from.IsSimple)
                    {
                        // It fits the program; the function is only kept as it is (llvm-bolt counts it matched too).
                        from.HasProfile = true;
                        matched++;
                        inNonSimple++;
                    }
                    else if (AttachBranch(from, record) is { } why)
                    {
                        stale++;
                        if (staleExamples.Count < MaxStaleExamples)
                            staleExamples.Add($"{from.Name} 0x{record.From.Offset:x} -> 0x{record.To.Offset:x}: {why}");
                    }
                    else
                        matched++;
                }
                else if (to != null && record.To.Offset == 0)
                {
                    to.ExecutionCount += record.Count;
                    to.HasProfile = true;
                    if (from?.Body != null)
                    {
                        counts.AddCallSite(from.Address + record.From.Offset, to.Address, record.Count);
                        RecordConditionalTailCall(from, from.Address + record.From.Offset, record.Count);
                    }
                    matched++;
                }
                else if (from != null || to != null)
                {
                    matched++; // a return or a record into a function we do not analyse: nothing to attach
                }
            }
            foreach (var function in context.Functions.Where(f => f.HasProfile && f.Body is { Blocks.Length: > 0 } && f.IsSimple))
                ComputeBlockCounts(function, counts.CallSites);
        }

        int withProfile = context.Functions.Count(f => f.HasProfile);
        var summary = new ProfileSummary(withProfile, context.Functions.Count, matched, stale, unknown.ToList());
        log.Info($"profile: {withProfile} of {context.Functions.Count} functions have a profile ({100.0 * withProfile / Math.Max(1, context.Functions.Count):F1}%); {matched} records matched ({inNonSimple} in non-simple functions, kept as they are), {stale} stale");
        foreach (var example in staleExamples)
            log.Info($"profile: stale record in {example}");
        if (unknown.Count > 0)
            log.Info($"profile: {unknown.Count} names not found in the program, e.g. {string.Join(", ", unknown.Take(5))}");
        context.CallSiteCounts = counts.CallSites;
        context.ProfiledCallTargets = counts.CallTargets.ToDictionary(site => site.Key, site => site.Value.ToArray());
        return summary;
    }

    /// <summary>
    /// By function id: whether any record of the profile is in the function or enters it — the
    /// functions lite mode analyses. Needs only the discovered names, not the analysis.
    /// </summary>
    public static bool[] FunctionsInProfile(BinaryContext context, ProfileData profile)
    {
        var names = NameIndex(context);
        var named = new bool[context.Functions.Count];
        void Mark(ProfileLocation location)
        {
            if (location.IsSymbol && Lookup(names, location.Name) is { } function)
                named[function.Id.Value] = true;
        }
        foreach (var sample in profile.Samples)
            Mark(sample.At);
        foreach (var record in profile.Branches)
        {
            Mark(record.From);
            Mark(record.To);
        }
        return named;
    }

    private static Dictionary<string, BinaryFunction> NameIndex(BinaryContext context)
    {
        var names = new Dictionary<string, BinaryFunction>(StringComparer.Ordinal);
        foreach (var function in context.Functions)
            foreach (var name in function.ProfileNames.Concat(function.Names))
                names.TryAdd(name, function);
        return names;
    }

    /// <summary>Exact name first; `name/N` falls back to `name`, and `name` to `name/1`.</summary>
    private static BinaryFunction? Lookup(Dictionary<string, BinaryFunction> names, string name)
    {
        if (names.TryGetValue(name, out var function))
            return function;
        int slash = name.IndexOf('/');
        if (slash > 0 && names.TryGetValue(name[..slash], out function))
            return function;
        return names.GetValueOrDefault(name + "/1");
    }

    private static bool IsCall(BinaryFunction function, ulong offset)
    {
        if (function.Body is not { } body)
            return false;
        int index = body.InstructionAt(function.Address + offset);
        return index >= 0 && body.Instructions[index].FlowControl is FlowControl.Call or FlowControl.IndirectCall;
    }

    /// <summary>
    /// A branch within a function: From is the last instruction of its block, To the start of a
    /// successor. Anything else is stale (the profile was taken on another build): the reason is
    /// returned, null when the record was attached.
    /// </summary>
    private static string? AttachBranch(BinaryFunction function, BranchRecord record)
    {
        function.HasProfile = true;
        if (function.Body is not { Blocks.Length: > 0 } body || !function.IsSimple)
            return "the function has no blocks";
        ulong fromAddress = function.Address + record.From.Offset, toAddress = function.Address + record.To.Offset;
        int from = body.BlockContaining(fromAddress);
        int to = body.BlockContaining(toAddress);
        if (from < 0 || to < 0 || body.Blocks[to].Address != toAddress)
            return "the target is not the start of a block";
        var block = body.Blocks[from];
        // From is the block's last instruction, or the jcc of a `jcc; jmp` ending (its taken edge).
        bool fromLast = body.Instructions[block.LastInstruction].IP == fromAddress;
        bool fromConditional = !fromLast && block.InstructionCount > 1 && body.Instructions[block.LastInstruction - 1].IP == fromAddress
            && body.Instructions[block.LastInstruction - 1].FlowControl == FlowControl.ConditionalBranch;
        if (!fromLast && !fromConditional)
            return "the source is not a block's last instruction";
        bool endsWithJumpAfterConditional = fromLast && block.InstructionCount > 1
            && body.Instructions[block.LastInstruction].FlowControl == FlowControl.UnconditionalBranch
            && body.Instructions[block.LastInstruction - 1].FlowControl == FlowControl.ConditionalBranch;
        var wanted = fromConditional ? EdgeKind.Taken : endsWithJumpAfterConditional ? EdgeKind.FallThrough : (EdgeKind?)null;
        for (int i = 0; i < block.Successors.Count; i++)
        {
            if (block.Successors[i].Target != to || (wanted != null && block.Successors[i].Kind != wanted))
                continue;
            var edge = block.Successors[i];
            edge.Count += record.Count;
            edge.Mispredicts += record.Mispredicts;
            block.Successors[i] = edge;
            return null;
        }
        return "no such edge in the CFG";
    }

    private static void RecordConditionalTailCall(BinaryFunction function, ulong address, ulong count)
    {
        if (function.Body is not { Blocks.Length: > 0 } body)
            return;
        int block = body.BlockContaining(address);
        if (block < 0 || body.Instructions[body.Blocks[block].LastInstruction].IP != address)
            return;
        var last = body.Instructions[body.Blocks[block].LastInstruction];
        if (last.FlowControl == FlowControl.ConditionalBranch && body.References[body.Blocks[block].LastInstruction].Kind == ReferenceKind.TailCall)
        {
            body.Blocks[block].TailCallCount += count;
            function.HasProfile = true;
        }
    }

    /// <summary>
    /// As llvm-bolt counts: the entry block runs as often as the function is entered, any other
    /// block as often as its incoming edges are taken; then no block runs less often than any one
    /// edge into or out of it, or than any profiled call it makes (a landing pad that calls
    /// _Unwind_Resume has no edges, but its call was counted).
    /// </summary>
    private static void ComputeBlockCounts(BinaryFunction function, IReadOnlyDictionary<ulong, ulong> callSites)
    {
        var body = function.Body!;
        var blocks = body.Blocks;
        function.BlockCountsUnknown = function.ExecutionCount > 0 && blocks.Length > 1
            && blocks.All(block => block.TailCallCount == 0 && block.Successors.All(edge => edge.Count == 0));
        foreach (var block in blocks)
            block.ExecutionCount = block.Index == 0 ? function.ExecutionCount : 0;
        foreach (var block in blocks)
            foreach (var edge in block.Successors)
                if (edge.Target != 0)
                    blocks[edge.Target].ExecutionCount += edge.Count;
        foreach (var block in blocks)
        {
            ulong floor = block.TailCallCount;
            foreach (var edge in block.Successors)
                floor = Math.Max(floor, edge.Count);
            foreach (int predecessor in block.Predecessors)
                foreach (var edge in blocks[predecessor].Successors)
                    if (edge.Target == block.Index)
                        floor = Math.Max(floor, edge.Count);
            for (int i = block.FirstInstruction; i <= block.LastInstruction; i++)
                if (body.Instructions[i].FlowControl is FlowControl.Call or FlowControl.IndirectCall)
                    floor = Math.Max(floor, callSites.GetValueOrDefault(body.Instructions[i].IP));
            block.ExecutionCount = Math.Max(block.ExecutionCount, floor);
        }
    }

    /// <summary>Per-function scratch: sample counts per block; call counts and callees per call site.</summary>
    private sealed class ProfileCounts(int functions)
    {
        private readonly ulong[]?[] _samples = new ulong[]?[functions];
        public Dictionary<ulong, ulong> CallSites { get; } = [];
        public Dictionary<ulong, List<ProfiledCall>> CallTargets { get; } = [];

        public ulong[] Samples(int function, int blocks) => _samples[function] ??= new ulong[blocks];

        public void AddCallSite(ulong address, ulong callee, ulong count)
        {
            CallSites[address] = CallSites.GetValueOrDefault(address) + count;
            if (!CallTargets.TryGetValue(address, out var targets))
                CallTargets[address] = targets = [];
            int known = targets.FindIndex(t => t.Callee == callee);
            if (known >= 0)
                targets[known] = targets[known] with { Count = targets[known].Count + count };
            else
                targets.Add(new ProfiledCall(callee, count));
        }
    }
}
