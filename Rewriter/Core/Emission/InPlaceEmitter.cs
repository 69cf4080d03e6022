using Rewriter.Diagnostics;
using Rewriter.Elf.Writing;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Emission without relocations (llvm-bolt's non-relocation mode). Functions never move: each
/// eligible simple function whose layout differs from its input order is encoded with its hot
/// fragment at its own address (the entry block first, so calls and pointers to its entry stay
/// valid) and written over its original bytes when it fits in its original size (the rest
/// filled with int3); its cold fragment goes to .text.cold in the new segment. A function that
/// does not fit, or that <see cref="InPlaceEligibility"/> refuses, is left untouched and its
/// layout dropped.
/// </summary>
public static class InPlaceEmitter
{
    private const int MaxRounds = 8;
    /// <summary>From this round on a cold fragment never shrinks (it is padded), so the cold addresses must settle.</summary>
    private const int MonotonicFromRound = 3;
    private const ulong ColdAlignment = 16;

    /// <summary>The emitted code (no new hot text: <see cref="EmittedCode.Text"/> is empty) and the in-place code patches.</summary>
    public sealed record Result(EmittedCode Code, IReadOnlyList<ImagePatch> CodePatches, IReadOnlyDictionary<FunctionId, string> Untouched);

    public static Result Emit(BinaryContext context, BinaryLayout layout, ulong coldAddress, Log log)
    {
        // A function whose layout is its input order, unsplit, has nothing to gain: it stays as it is.
        var laidOut = context.Functions.Where(f => CodeEmitter.Moves(f, layout) && f.Body != null).OrderBy(f => f.Address).ToList();
        var candidates = laidOut.Where(f => Changes(layout[f.Id]!)).ToList();
        int unchanged = laidOut.Count - candidates.Count;
        var untouched = new Dictionary<FunctionId, string>(InPlaceEligibility.Refusals(context, layout, candidates));
        int unsafeCount = untouched.Count;
        var active = candidates.Where(f => !untouched.ContainsKey(f.Id)).ToList();

        var room = InPlaceRoom.Compute(context, active);
        var encoded = new Dictionary<FunctionId, FunctionEncoding>();
        var coldStart = new Dictionary<FunctionId, ulong>();
        var nearBranchesOnly = new Dictionary<FunctionId, bool>();
        bool stable = false;
        for (int round = 0; round < MaxRounds && !stable; round++)
        {
            stable = round > 0;
            foreach (var function in active.ToList())
            {
                // Nothing moves but this function's own blocks, which the encoder resolves as labels.
                var (hot, cold) = FragmentBuilder.Build(context, function, layout[function.Id]!, address => address);
                bool nearOnly = nearBranchesOnly.GetValueOrDefault(function.Id);
                var result = CodeEmitter.EncodeAt(function, hot, cold, function.Address, coldStart.GetValueOrDefault(function.Id, coldAddress), ref nearOnly);
                nearBranchesOnly[function.Id] = nearOnly; // once near forms were needed, always, so the size does not flip
                if ((ulong)result.Hot.Length > room[function.Id.Value])
                {
                    untouched[function.Id] = $"its new code ({result.Hot.Length} bytes) does not fit in its {room[function.Id.Value]} bytes (its size and the padding after it)";
                    active.Remove(function);
                    encoded.Remove(function.Id);
                    coldStart.Remove(function.Id);
                    stable = false;
                    continue;
                }
                if (encoded.TryGetValue(function.Id, out var previous))
                {
                    if (round >= MonotonicFromRound && result.Cold.Length < previous.Cold.Length)
                        result = result with { Cold = CodeBytes.PadTo(result.Cold, previous.Cold.Length) };
                    if (result.Cold.Length != previous.Cold.Length)
                        stable = false;
                }
                encoded[function.Id] = result;
            }

            // Cold fragments in function address order, from this round's sizes.
            ulong cursor = coldAddress;
            foreach (var function in active.Where(f => encoded[f.Id].Cold.Length > 0))
            {
                cursor = NewSegmentLayout.AlignUp(cursor, ColdAlignment);
                if (coldStart.GetValueOrDefault(function.Id, coldAddress) != cursor)
                    stable = false;
                coldStart[function.Id] = cursor;
                cursor += (ulong)encoded[function.Id].Cold.Length;
            }
        }
        if (!stable)
            throw new InvalidOperationException($"in-place code layout did not settle after {MaxRounds} rounds");

        foreach (var id in untouched.Keys)
            layout.Drop(id);
        foreach (var (id, reason) in untouched.OrderBy(u => context.Functions[u.Key.Value].Address))
            log.Info($"in place: {context.Functions[id.Value].Name} left untouched: {reason}");
        var emitted = Assemble(context, active, encoded, coldStart, coldAddress, untouched);
        int split = active.Count(f => encoded[f.Id].Cold.Length > 0);
        int handlers = active.Count(f => f.Lsda != null), splitHandlers = active.Count(f => f.Lsda != null && encoded[f.Id].Cold.Length > 0);
        log.Info($"rewrote {active.Count} functions in place ({split} split, {emitted.Code.Cold.Length} bytes of cold code; "
            + $"{handlers} with exception call sites, {splitHandlers} of them split); "
            + $"left {untouched.Count} untouched: {untouched.Count - unsafeCount} do not fit, {unsafeCount} are not safe to rewrite without relocations; "
            + $"{unchanged} keep their input layout");
        return emitted;
    }

    private static bool Changes(FunctionLayout layout)
    {
        for (int i = 0; i < layout.BlockOrder.Length; i++)
            if (layout.BlockOrder[i] != i)
                return true;
        return layout.IsSplit;
    }

    private static Result Assemble(BinaryContext context, List<BinaryFunction> rewritten, Dictionary<FunctionId, FunctionEncoding> encoded,
        Dictionary<FunctionId, ulong> coldStart, ulong coldAddress, IReadOnlyDictionary<FunctionId, string> untouched)
    {
        ulong coldEnd = coldStart.Count == 0 ? coldAddress : coldStart.Max(c => c.Value + (ulong)encoded[c.Key].Cold.Length);
        var cold = CodeBytes.Padded(coldEnd - coldAddress);
        var patches = new List<ImagePatch>();
        var placements = new Dictionary<FunctionId, EmittedFunction>();
        var map = new MapEntries(rewritten.Sum(f => encoded[f.Id].Map.Count));
        var fragments = new List<FragmentPlacement>();
        foreach (var function in rewritten)
        {
            var e = encoded[function.Id];
            ulong coldAt = coldStart.GetValueOrDefault(function.Id);
            if (e.Cold.Length > 0)
                e.Cold.CopyTo(cold, (int)(coldAt - coldAddress));
            ulong offset = ReferencePatcher.FileOffset(context.Elf, function.Address)
                ?? throw new InvalidOperationException($"{function.Name} at 0x{function.Address:x} is not in the file");
            // Over its old bytes, and over the padding after them where the new code needs it.
            patches.Add(new ImagePatch(offset, CodeBytes.PadTo(e.Hot, checked((int)Math.Max(function.Size, (ulong)e.Hot.Length)))));
            placements[function.Id] = new EmittedFunction(function.Id, function.Address, (ulong)e.Hot.Length, coldAt, (ulong)e.Cold.Length,
                e.HotInstructions, e.ColdInstructions);
            map.AddFrom(e.Map);
            fragments.Add(new FragmentPlacement(function.Name, function.Address, function.End, function.Address, (ulong)e.Hot.Length, false));
            if (e.Cold.Length > 0)
                fragments.Add(new FragmentPlacement(function.Name + ".cold.0", function.Address, function.End, coldAt, (ulong)e.Cold.Length, true));
        }
        var code = new EmittedCode
        {
            TextAddress = coldAddress, Text = [], ColdAddress = coldAddress, Cold = cold, InPlace = true,
            Functions = placements, Map = map.ToMap(fragments), MovedFunctions = rewritten,
        };
        return new Result(code, patches, untouched);
    }

}
