using System.Buffers.Binary;
using Iced.Intel;
using Rewriter.Diagnostics;
using Rewriter.Elf.Writing;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Encodes every moved function at its new address with Iced's BlockEncoder. Branch sizes depend
/// on distances, and distances on sizes, so addresses are assigned from the sizes of the previous
/// round and the code encoded again until no address changes; fragments never shrink between
/// rounds (they are padded), so the rounds settle. Within a round the functions encode in
/// parallel; the result never depends on the thread count.
/// </summary>
public static class CodeEmitter
{
    private const int MaxRounds = 12;
    /// <summary>How far from a fragment its outgoing jumps aim while encoding: beyond any short branch, well within rel32.</summary>
    private const ulong FarAway = 0x1000_0000;
    private const ulong MinimumAlignment = 16;

    private sealed class Encoded
    {
        public required BinaryFunction Function;
        public required FragmentCode Hot;
        public FragmentCode? Cold;
        public byte[] HotBytes = [];
        public byte[] ColdBytes = [];
        public uint[] HotOffsets = [];
        public uint[] ColdOffsets = [];
        /// <summary>The encoded size of each fragment before any padding: where its last instruction ends.</summary>
        public int HotLength, ColdLength;

        /// <summary>Same fragment sizes and the same offset for every instruction.</summary>
        public bool SameShapeAs(Encoded other) =>
            HotBytes.Length == other.HotBytes.Length && ColdBytes.Length == other.ColdBytes.Length
            && HotOffsets.AsSpan().SequenceEqual(other.HotOffsets) && ColdOffsets.AsSpan().SequenceEqual(other.ColdOffsets);

        /// <summary>Pads each fragment with int3 up to the given size (nothing runs past a fragment's end).</summary>
        public void PadTo(int hot, int cold)
        {
            HotBytes = CodeBytes.PadTo(HotBytes, hot);
            if (Cold != null)
                ColdBytes = CodeBytes.PadTo(ColdBytes, cold);
        }
    }

    /// <summary>Which functions move: simple functions of .text with a layout.</summary>
    public static bool Moves(BinaryFunction function, BinaryLayout layout) =>
        function.IsSimple && function.Section.Name == ".text" && layout[function.Id] != null;

    /// <param name="whole">Non-simple functions to be copied whole (<see cref="WholeFunctionMover"/>): each takes its
    /// place in the function order like the others, with its input size; <paramref name="wholeStarts"/> receives where.</param>
    public static EmittedCode Emit(BinaryContext context, BinaryLayout layout, ulong textAddress, EmissionOptions options, Log log,
        IReadOnlyCollection<BinaryFunction>? whole = null, Dictionary<FunctionId, ulong>? wholeStarts = null)
    {
        var copied = (whole ?? []).Select(f => f.Id).ToHashSet();
        var ordered = layout.FunctionOrder.Select(id => context.Functions[id.Value]).Where(f => Moves(f, layout) || copied.Contains(f.Id)).ToArray();
        var moved = ordered.Where(f => !copied.Contains(f.Id)).ToArray();
        var copies = ordered.Where(f => copied.Contains(f.Id)).ToArray();
        int count = moved.Length;
        // Position of each function in `moved`, by function id; -1 for code that stays.
        var position = new int[context.Functions.Count];
        Array.Fill(position, -1);
        for (int i = 0; i < count; i++)
            position[moved[i].Id.Value] = i;
        // Position of each copied function in `copies`, by function id; -1 for the rest.
        var copyPosition = new int[context.Functions.Count];
        Array.Fill(copyPosition, -1);
        for (int k = 0; k < copies.Length; k++)
            copyPosition[copies[k].Id.Value] = k;
        // The hot order: i >= 0 is moved[i], ~k a whole copy of copies[k].
        var slots = ordered.Select(f => position[f.Id.Value] >= 0 ? position[f.Id.Value] : ~copyPosition[f.Id.Value]).ToArray();
        var copySizes = copies.Select(f => f.Size).ToArray();
        context.FunctionContaining(textAddress); // builds the lookup table before threads share it

        // Round 0 places each fragment by the input size of its blocks, with each cold fragment far
        // from its hot one, so that branches between them take their long form: its sizes are an
        // upper bound. Jumps that leave a function always keep rel32 (see AimFarAway), so from
        // round 1 on a fragment can only come out as long or shorter; a shorter one is padded back,
        // nothing after it moves, and the layout settles in two rounds unless a fragment grows.
        var (start, coldStart, coldAddress, copyStart) = Place(count, slots, copySizes, options, textAddress,
            i => EstimatedSize(moved[i], layout[moved[i].Id]!, cold: false), i => EstimatedSize(moved[i], layout[moved[i].Id]!, cold: true));
        var encoded = new Encoded[count];
        var nearBranchesOnly = new bool[count];
        // The previous round's map, built only when a reference into the middle of another moved
        // function needs it; the last round's is always built.
        var map = new Lazy<AddressMap>(AddressMap.Empty);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.ThreadCount) };
        bool stable = false;
        int round = 0;
        for (; round < MaxRounds && !stable; round++)
        {
            var currentMap = map;
            var currentStart = start;
            var currentColdStart = coldStart;
            var currentCopyStart = copyStart;
            bool upperBound = round == 0;
            // Functions whose inner addresses some other function was encoded against this round.
            var enteredInside = new bool[count];
            ulong Relocate(BinaryFunction self, ulong address)
            {
                if (self.Contains(address))
                    return address; // a label of the function being encoded: the encoder resolves it
                var target = context.FunctionContaining(address);
                if (target != null && copyPosition[target.Id.Value] >= 0)
                    return currentCopyStart[copyPosition[target.Id.Value]] + (address - target.Address);
                if (target == null || position[target.Id.Value] < 0)
                    return address;
                int index = position[target.Id.Value];
                ulong newStart = currentStart[index];
                if (address == target.Address)
                    return newStart;
                enteredInside[index] = true;
                return currentMap.Value.TryTranslate(address, out ulong mapped) ? mapped : newStart + (address - target.Address);
            }

            // PERF: functions encode independently within a round (each reads only the previous
            // round's addresses), so they run in parallel; every result lands in its own slot.
            var previous = encoded;
            var current = new Encoded[count];
            Parallel.For(0, count, parallel, i =>
            {
                var function = moved[i];
                var (hot, cold) = FragmentBuilder.Build(context, function, layout[function.Id]!, a => Relocate(function, a));
                ulong coldAt = upperBound && cold != null ? currentStart[i] + 2 * FarAway : currentColdStart[i];
                var result = EncodeFunction(function, hot, cold, currentStart[i], coldAt, ref nearBranchesOnly[i]);
                if (previous[i] != null)
                    result.PadTo(previous[i].HotBytes.Length, previous[i].ColdBytes.Length);
                current[i] = result;
            });
            encoded = current;

            var (nextStart, nextColdStart, nextColdAddress, nextCopyStart) = Place(count, slots, copySizes, options, textAddress,
                i => (ulong)encoded[i].HotBytes.Length, i => encoded[i].Cold != null ? (ulong)encoded[i].ColdBytes.Length : 0);
            // Settled when every address this round encoded against is final: no fragment moved,
            // and no function whose inside was referenced changed shape since the map it came from.
            stable = !upperBound && start.AsSpan().SequenceEqual(nextStart) && coldStart.AsSpan().SequenceEqual(nextColdStart)
                && copyStart.AsSpan().SequenceEqual(nextCopyStart);
            for (int i = 0; i < count && stable; i++)
                stable = !enteredInside[i] || current[i].SameShapeAs(previous[i]);
            start = nextStart;
            coldStart = nextColdStart;
            coldAddress = nextColdAddress;
            copyStart = nextCopyStart;
            var (placed, placedStart, placedColdStart) = (encoded, start, coldStart);
            map = new Lazy<AddressMap>(() => BuildMap(placed, placedStart, placedColdStart), LazyThreadSafetyMode.ExecutionAndPublication);
        }
        if (!stable)
            throw new InvalidOperationException($"code layout did not settle after {MaxRounds} rounds");
        log.Info($"emission settled after {round} rounds");
        for (int k = 0; k < copies.Length; k++)
            wholeStarts?.Add(copies[k].Id, copyStart[k]);

        return Assemble(moved, encoded, start, coldStart, textAddress, coldAddress, map.Value, log);
    }

    /// <summary>
    /// Addresses from fragment sizes: hot parts and whole copies in function order (<paramref name="slots"/>)
    /// from <paramref name="textAddress"/>, then the cold parts (those of non-zero size) from the
    /// first 16-byte boundary after them.
    /// </summary>
    private static (ulong[] Start, ulong[] ColdStart, ulong ColdAddress, ulong[] CopyStart) Place(int count, int[] slots, ulong[] copySizes,
        EmissionOptions options, ulong textAddress, Func<int, ulong> hotSize, Func<int, ulong> coldSize)
    {
        var start = new ulong[count];
        var coldStart = new ulong[count]; // 0: no cold part
        var copyStart = new ulong[copySizes.Length];
        ulong cursor = textAddress;
        foreach (int slot in slots)
        {
            if (slot < 0)
            {
                // A copy keeps every offset inside it: on the 16-byte boundary compilers start
                // functions on, the loops they aligned inside stay aligned.
                cursor = NewSegmentLayout.AlignUp(cursor, WholeFunctionMover.Alignment);
                copyStart[~slot] = cursor;
                cursor += copySizes[~slot];
                continue;
            }
            cursor = AlignFunction(cursor, hotSize(slot), options);
            start[slot] = cursor;
            cursor += hotSize(slot);
        }
        ulong coldAddress = NewSegmentLayout.AlignUp(cursor, MinimumAlignment);
        cursor = coldAddress;
        for (int i = 0; i < count; i++)
        {
            ulong size = coldSize(i);
            if (size == 0)
                continue;
            cursor = options.CompactAlignment ? AlignFunction(cursor, size, options) : NewSegmentLayout.AlignUp(cursor, MinimumAlignment);
            coldStart[i] = cursor;
            cursor += size;
        }
        return (start, coldStart, coldAddress, copyStart);
    }

    /// <summary>The input bytes of a fragment's blocks: a guess of its encoded size before the first encoding.</summary>
    private static ulong EstimatedSize(BinaryFunction function, FunctionLayout layout, bool cold)
    {
        ulong size = 0;
        foreach (var block in function.Body!.Blocks)
            if (layout.IsCold[block.Index] == cold)
                size += block.End - block.Address;
        return size;
    }

    private static Encoded EncodeFunction(BinaryFunction function, FragmentCode hot, FragmentCode? cold, ulong hotStart, ulong coldStart,
        ref bool nearBranchesOnly)
    {
        // The encoder picks the short form of a jump when its target is near enough; a jump that
        // leaves the function is aimed far away while encoding, so it keeps rel32, and gets its
        // real displacement afterwards.
        AimFarAway(hot, hotStart);
        if (cold != null)
            AimFarAway(cold, coldStart);
        string? error = null;
        if (!nearBranchesOnly)
        {
            var first = TryEncode(hot, cold, hotStart, coldStart, BlockEncoderOptions.None, out error);
            if (first != null)
                return Complete(first.Value, function, hot, cold, hotStart, coldStart);
            nearBranchesOnly = true; // from now on, so its size does not flip between rounds
        }
        // The encoder can still fail to fit a branch it shortened early (one between the hot and
        // the cold fragment, say). Near forms everywhere, left as they are, cannot.
        ForceNearBranches(hot);
        if (cold != null)
            ForceNearBranches(cold);
        var second = TryEncode(hot, cold, hotStart, coldStart, BlockEncoderOptions.DontFixBranches, out string? again);
        if (second == null)
            throw new InvalidOperationException($"cannot encode {function.Name}: {error}; with near branches: {again}");
        return Complete(second.Value, function, hot, cold, hotStart, coldStart);
    }

    /// <summary>
    /// One function encoded at fixed fragment addresses, for emission that places functions
    /// itself (non-relocation mode: the hot fragment at the function's own address). Nothing else
    /// moves, so the fragments' references are taken as they are.
    /// </summary>
    internal static FunctionEncoding EncodeAt(BinaryFunction function, FragmentCode hot, FragmentCode? cold, ulong hotStart, ulong coldStart,
        ref bool nearBranchesOnly)
    {
        // Nothing else moves, so a jump out of the function may take its short form where its
        // target is near: the encoder resolves it at the fixed addresses (more functions fit).
        hot.LongBranches.Clear();
        cold?.LongBranches.Clear();
        var e = EncodeFunction(function, hot, cold, hotStart, coldStart, ref nearBranchesOnly);
        var entries = new MapEntries(MappedCount(hot) + (cold != null ? MappedCount(cold) : 0));
        entries.Add(hot, e.HotOffsets, hotStart, e.HotLength);
        if (cold != null)
            entries.Add(cold, e.ColdOffsets, coldStart, e.ColdLength);
        return new FunctionEncoding(e.HotBytes, e.ColdBytes, entries, Instructions(hot, e.HotOffsets, hotStart),
            cold != null ? Instructions(cold, e.ColdOffsets, coldStart) : []);
    }

    private static void AimFarAway(FragmentCode fragment, ulong start)
    {
        foreach (var (index, _) in fragment.LongBranches)
        {
            var instruction = fragment.Instructions[index];
            instruction.NearBranch64 = start + FarAway;
            fragment.Instructions[index] = instruction;
        }
    }

    /// <summary>Writes the real displacement of every jump that <see cref="AimFarAway"/> aimed elsewhere.</summary>
    private static void PatchLongBranches(FragmentCode fragment, byte[] bytes, uint[] offsets, ulong start)
    {
        foreach (var (index, target) in fragment.LongBranches)
        {
            // Instructions are encoded back to back: this one ends where the next one starts.
            int end = index + 1 < offsets.Length ? (int)offsets[index + 1] : bytes.Length;
            bool jmp = end >= 5 && bytes[end - 5] == 0xE9;
            bool jcc = end >= 6 && bytes[end - 6] == 0x0F && (bytes[end - 5] & 0xF0) == 0x80;
            if (offsets[index] == uint.MaxValue || !(jmp || jcc))
                throw new InvalidOperationException($"the jump at input {fragment.Instructions[index].IP:x} was not encoded with rel32");
            long displacement = (long)target - (long)(start + (ulong)end);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(end - 4), checked((int)displacement));
        }
    }

    private static (ByteWriter Hot, ByteWriter Cold, BlockEncoderResult[] Results)? TryEncode(FragmentCode hot, FragmentCode? cold,
        ulong hotStart, ulong coldStart, BlockEncoderOptions options, out string? error)
    {
        // Encoded code is rarely much longer than its input: a near branch is at most 6 bytes.
        var hotWriter = new ByteWriter(hot.Instructions.Count * 8);
        var coldWriter = new ByteWriter(cold != null ? cold.Instructions.Count * 8 : 0);
        var blocks = new List<InstructionBlock> { new(hotWriter, hot.Instructions, hotStart) };
        if (cold != null)
            blocks.Add(new InstructionBlock(coldWriter, cold.Instructions, coldStart));
        if (!BlockEncoder.TryEncode(64, blocks.ToArray(), out error, out BlockEncoderResult[]? results, options | BlockEncoderOptions.ReturnNewInstructionOffsets) || results == null)
            return null;
        return (hotWriter, coldWriter, results);
    }

    private static Encoded Complete((ByteWriter Hot, ByteWriter Cold, BlockEncoderResult[] Results) encoding, BinaryFunction function,
        FragmentCode hot, FragmentCode? cold, ulong hotStart, ulong coldStart)
    {
        var result = new Encoded
        {
            Function = function, Hot = hot, Cold = cold,
            HotBytes = encoding.Hot.ToArray(), HotOffsets = encoding.Results[0].NewInstructionOffsets,
            ColdBytes = cold != null ? encoding.Cold.ToArray() : [], ColdOffsets = cold != null ? encoding.Results[1].NewInstructionOffsets : [],
        };
        result.HotLength = result.HotBytes.Length;
        result.ColdLength = result.ColdBytes.Length;
        PatchLongBranches(hot, result.HotBytes, result.HotOffsets, hotStart);
        if (cold != null)
            PatchLongBranches(cold, result.ColdBytes, result.ColdOffsets, coldStart);
        return result;
    }

    private static void ForceNearBranches(FragmentCode fragment)
    {
        var instructions = fragment.Instructions;
        for (int i = 0; i < instructions.Count; i++)
        {
            var instruction = instructions[i];
            if (instruction.FlowControl is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch && FragmentBuilder.IsNearBranch(instruction))
            {
                instruction.ToNearBranch();
                instructions[i] = instruction;
            }
        }
    }

    private static AddressMap BuildMap(Encoded[] functions, ulong[] start, ulong[] coldStart)
    {
        int capacity = 0;
        foreach (var e in functions)
            capacity += MappedCount(e.Hot) + (e.Cold != null ? MappedCount(e.Cold) : 0);
        var entries = new MapEntries(capacity);
        var fragments = new List<FragmentPlacement>(functions.Length);
        for (int i = 0; i < functions.Length; i++)
        {
            var e = functions[i];
            // Offsets are relative to the address the fragment was encoded at.
            entries.Add(e.Hot, e.HotOffsets, start[i], e.HotLength);
            fragments.Add(new FragmentPlacement(e.Function.Name, e.Function.Address, e.Function.End, start[i], (ulong)e.HotBytes.Length, false));
            if (e.Cold != null)
            {
                entries.Add(e.Cold, e.ColdOffsets, coldStart[i], e.ColdLength);
                fragments.Add(new FragmentPlacement(e.Function.Name + ".cold.0", e.Function.Address, e.Function.End, coldStart[i], (ulong)e.ColdBytes.Length, true));
            }
        }
        return entries.ToMap(fragments);
    }

    /// <summary>An upper bound of the map entries a fragment gives: its instructions and the ones it dropped.</summary>
    private static int MappedCount(FragmentCode fragment) => fragment.Instructions.Count + fragment.Dropped.Count;

    private static EmittedCode Assemble(BinaryFunction[] moved, Encoded[] encoded, ulong[] start, ulong[] coldStart,
        ulong textAddress, ulong coldAddress, AddressMap map, Log log)
    {
        ulong textEnd = textAddress, coldEnd = coldAddress;
        for (int i = 0; i < moved.Length; i++)
        {
            textEnd = Math.Max(textEnd, start[i] + (ulong)encoded[i].HotBytes.Length);
            if (encoded[i].Cold != null)
                coldEnd = Math.Max(coldEnd, coldStart[i] + (ulong)encoded[i].ColdBytes.Length);
        }
        var text = CodeBytes.Padded(textEnd - textAddress);
        var cold = CodeBytes.Padded(coldEnd - coldAddress);
        var placements = new Dictionary<FunctionId, EmittedFunction>(moved.Length);
        for (int i = 0; i < moved.Length; i++)
        {
            var e = encoded[i];
            e.HotBytes.CopyTo(text, (int)(start[i] - textAddress));
            ulong coldAt = 0;
            if (e.Cold != null)
            {
                coldAt = coldStart[i];
                e.ColdBytes.CopyTo(cold, (int)(coldAt - coldAddress));
            }
            placements[moved[i].Id] = new EmittedFunction(moved[i].Id, start[i], (ulong)e.HotBytes.Length, coldAt, (ulong)e.ColdBytes.Length,
                Instructions(e.Hot, e.HotOffsets, start[i]), e.Cold != null ? Instructions(e.Cold, e.ColdOffsets, coldAt) : []);
        }
        log.Info($"emitted {moved.Length} functions: {text.Length} bytes of hot code, {cold.Length} bytes of cold code");
        return new EmittedCode
        {
            TextAddress = textAddress, Text = text, ColdAddress = coldAddress, Cold = cold,
            Functions = placements, Map = map, MovedFunctions = moved.OrderBy(f => f.Address).ToList(),
        };
    }

    /// <summary>Each output instruction with the input address whose CFI state it keeps.</summary>
    private static List<EmittedInstruction> Instructions(FragmentCode fragment, uint[] offsets, ulong start)
    {
        var list = new List<EmittedInstruction>(fragment.Instructions.Count);
        ulong origin = fragment.Instructions.Count > 0 ? fragment.Instructions[0].IP : 0;
        for (int i = 0; i < fragment.Instructions.Count; i++)
        {
            var instruction = fragment.Instructions[i];
            // An added jump runs after the instruction before it: the state there is the one its
            // input successor starts with.
            origin = instruction.IP < FragmentBuilder.SyntheticIps ? instruction.IP : i > 0 ? fragment.Instructions[i - 1].NextIP : origin;
            if (offsets[i] != uint.MaxValue)
                list.Add(new EmittedInstruction(start + offsets[i], origin));
        }
        return list;
    }

    /// <summary>
    /// A fragment of <paramref name="size"/> bytes starts on the requested boundary (64) when that
    /// costs at most the allowed padding (32; compact: and at most its size), else right after the
    /// previous one (compact) or on 16. Padding is code bytes that still fill cache lines: in
    /// cache simulations of SQLite and a synthetic program the compact rule, llvm-bolt's default,
    /// takes 1–4% off the misses of a fully associative cache.
    /// </summary>
    private static ulong AlignFunction(ulong address, ulong size, EmissionOptions options)
    {
        ulong aligned = NewSegmentLayout.AlignUp(address, Math.Max(1, options.AlignFunctions));
        if (!options.CompactAlignment)
            return aligned - address <= options.AlignFunctionsMaxBytes ? aligned : NewSegmentLayout.AlignUp(address, MinimumAlignment);
        return aligned - address <= Math.Min(options.AlignFunctionsMaxBytes, size) ? aligned : address;
    }
}
