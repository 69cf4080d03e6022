using Iced.Intel;
using Rewriter.Diagnostics;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// Encodes every moved function at its new address with Iced's BlockEncoder. Branch sizes depend
/// on distances, and distances on sizes, so addresses are assigned from the sizes of the previous
/// round and the code encoded again until no size changes.
/// </summary>
public static class CodeEmitter
{
    private const int MaxRounds = 12;
    /// <summary>From this round on a fragment never shrinks (it is padded), so sizes can only grow and the layout must settle.</summary>
    private const int MonotonicFromRound = 4;
    private const ulong MinimumAlignment = 16;
    private const byte Padding = 0xCC; // int3: nothing falls through between functions

    private sealed class Encoded
    {
        public required BinaryFunction Function;
        public required FragmentCode Hot;
        public FragmentCode? Cold;
        public byte[] HotBytes = [];
        public byte[] ColdBytes = [];
        public uint[] HotOffsets = [];
        public uint[] ColdOffsets = [];
        public ulong HotStart, ColdStart;

        /// <summary>Pads each fragment with int3 up to the given size (nothing runs past a fragment's end).</summary>
        public void PadTo(int hot, int cold)
        {
            if (HotBytes.Length < hot)
                HotBytes = [.. HotBytes, .. Enumerable.Repeat(Padding, hot - HotBytes.Length)];
            if (Cold != null && ColdBytes.Length < cold)
                ColdBytes = [.. ColdBytes, .. Enumerable.Repeat(Padding, cold - ColdBytes.Length)];
        }
    }

    /// <summary>Which functions move: simple functions of .text with a layout.</summary>
    public static bool Moves(BinaryFunction function, BinaryLayout layout) =>
        function.IsSimple && function.Section.Name == ".text" && layout[function.Id] != null;

    public static EmittedCode Emit(BinaryContext context, BinaryLayout layout, ulong textAddress, EmissionOptions options, Log log)
    {
        var moved = layout.FunctionOrder.Select(id => context.Functions[id.Value]).Where(f => Moves(f, layout)).ToList();
        var textSection = moved.Count > 0 ? moved.Min(f => f.Section.Header.Address) : 0;

        // Round 0 guesses each function keeps its distance from the start of .text.
        var start = moved.ToDictionary(f => f.Id, f => textAddress + (f.Address - textSection));
        var coldStart = new Dictionary<FunctionId, ulong>();
        var encoded = new Dictionary<FunctionId, Encoded>();
        AddressMap previousMap = AddressMap.Empty;
        var nearBranchesOnly = new HashSet<FunctionId>();
        ulong coldAddress = textAddress;
        bool stable = false;
        for (int round = 0; round < MaxRounds && !stable; round++)
        {
            var currentMap = previousMap;
            var currentStart = start;
            ulong Relocate(BinaryFunction self, ulong address)
            {
                if (self.Contains(address))
                    return address; // a label of the function being encoded: the encoder resolves it
                var target = context.FunctionContaining(address);
                if (target == null || !currentStart.TryGetValue(target.Id, out ulong newStart))
                    return address;
                if (address == target.Address)
                    return newStart;
                return currentMap.TryTranslate(address, out ulong mapped) ? mapped : newStart + (address - target.Address);
            }

            stable = round > 0;
            foreach (var function in moved)
            {
                var (hot, cold) = FragmentBuilder.Build(context, function, layout[function.Id]!, a => Relocate(function, a));
                var result = EncodeFunction(function, hot, cold, start[function.Id], coldStart.GetValueOrDefault(function.Id, start[function.Id] + 0x1000_0000),
                    nearBranchesOnly);
                if (round >= MonotonicFromRound && encoded.TryGetValue(function.Id, out var previous))
                    result.PadTo(previous.HotBytes.Length, previous.ColdBytes.Length);
                if (encoded.TryGetValue(function.Id, out var before)
                    && (before.HotBytes.Length != result.HotBytes.Length || before.ColdBytes.Length != result.ColdBytes.Length))
                    stable = false;
                encoded[function.Id] = result;
            }

            // Assign addresses from this round's sizes: hot parts in function order, then cold parts.
            var nextStart = new Dictionary<FunctionId, ulong>();
            ulong cursor = textAddress;
            foreach (var function in moved)
            {
                cursor = AlignFunction(cursor, options);
                nextStart[function.Id] = cursor;
                cursor += (ulong)encoded[function.Id].HotBytes.Length;
            }
            coldAddress = NewSegmentAlign(cursor, MinimumAlignment);
            cursor = coldAddress;
            foreach (var function in moved.Where(f => encoded[f.Id].Cold != null))
            {
                cursor = NewSegmentAlign(cursor, MinimumAlignment);
                if (coldStart.GetValueOrDefault(function.Id) != cursor) stable = false;
                coldStart[function.Id] = cursor;
                cursor += (ulong)encoded[function.Id].ColdBytes.Length;
            }
            foreach (var function in moved)
                if (start[function.Id] != nextStart[function.Id])
                    stable = false;
            start = nextStart;
            previousMap = BuildMap(encoded.Values, start, coldStart);
        }
        if (!stable)
            throw new InvalidOperationException($"code layout did not settle after {MaxRounds} rounds");

        return Assemble(moved, encoded, start, coldStart, textAddress, coldAddress, previousMap, log);
    }

    private static Encoded EncodeFunction(BinaryFunction function, FragmentCode hot, FragmentCode? cold, ulong hotStart, ulong coldStart,
        HashSet<FunctionId> nearBranchesOnly)
    {
        string? error = null;
        if (!nearBranchesOnly.Contains(function.Id))
        {
            var first = TryEncode(hot, cold, hotStart, coldStart, BlockEncoderOptions.None, out error);
            if (first != null)
                return Complete(first.Value, function, hot, cold, hotStart, coldStart);
            nearBranchesOnly.Add(function.Id); // from now on, so its size does not flip between rounds
        }
        // The encoder shortens a branch to an outside target before knowing how far the code in
        // front of it will shrink, and can fail later. Near forms everywhere, left as they are, cannot.
        ForceNearBranches(hot);
        if (cold != null)
            ForceNearBranches(cold);
        var second = TryEncode(hot, cold, hotStart, coldStart, BlockEncoderOptions.DontFixBranches, out string? again);
        if (second == null)
            throw new InvalidOperationException($"cannot encode {function.Name}: {error}; with near branches: {again}");
        return Complete(second.Value, function, hot, cold, hotStart, coldStart);
    }

    private static (ByteWriter Hot, ByteWriter Cold, BlockEncoderResult[] Results)? TryEncode(FragmentCode hot, FragmentCode? cold,
        ulong hotStart, ulong coldStart, BlockEncoderOptions options, out string? error)
    {
        var hotWriter = new ByteWriter();
        var coldWriter = new ByteWriter();
        var blocks = new List<InstructionBlock> { new(hotWriter, hot.Instructions, hotStart) };
        if (cold != null)
            blocks.Add(new InstructionBlock(coldWriter, cold.Instructions, coldStart));
        if (!BlockEncoder.TryEncode(64, blocks.ToArray(), out error, out BlockEncoderResult[]? results, options | BlockEncoderOptions.ReturnNewInstructionOffsets) || results == null)
            return null;
        return (hotWriter, coldWriter, results);
    }

    private static Encoded Complete((ByteWriter Hot, ByteWriter Cold, BlockEncoderResult[] Results) encoding, BinaryFunction function,
        FragmentCode hot, FragmentCode? cold, ulong hotStart, ulong coldStart) => new()
    {
        Function = function, Hot = hot, Cold = cold,
        HotBytes = encoding.Hot.ToArray(), HotOffsets = encoding.Results[0].NewInstructionOffsets,
        ColdBytes = cold != null ? encoding.Cold.ToArray() : [], ColdOffsets = cold != null ? encoding.Results[1].NewInstructionOffsets : [],
        HotStart = hotStart, ColdStart = coldStart,
    };

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

    private static AddressMap BuildMap(IEnumerable<Encoded> functions, Dictionary<FunctionId, ulong> start, Dictionary<FunctionId, ulong> coldStart)
    {
        var pairs = new List<(ulong, ulong)>();
        var fragments = new List<FragmentPlacement>();
        foreach (var e in functions)
        {
            // Offsets are relative to the address the fragment was encoded at.
            AddPairs(pairs, e.Hot, e.HotOffsets, start[e.Function.Id], e.HotBytes.Length);
            fragments.Add(new FragmentPlacement(e.Function.Name, e.Function.Address, e.Function.End, start[e.Function.Id], (ulong)e.HotBytes.Length, false));
            if (e.Cold != null)
            {
                ulong cold = coldStart.GetValueOrDefault(e.Function.Id, e.ColdStart);
                AddPairs(pairs, e.Cold, e.ColdOffsets, cold, e.ColdBytes.Length);
                fragments.Add(new FragmentPlacement(e.Function.Name + ".cold.0", e.Function.Address, e.Function.End, cold, (ulong)e.ColdBytes.Length, true));
            }
        }
        return new AddressMap(pairs, fragments);
    }

    private static void AddPairs(List<(ulong, ulong)> pairs, FragmentCode fragment, uint[] offsets, ulong start, int size)
    {
        for (int i = 0; i < fragment.Instructions.Count; i++)
        {
            ulong ip = fragment.Instructions[i].IP;
            if (ip < FragmentBuilder.SyntheticIps && offsets[i] != uint.MaxValue)
                pairs.Add((ip, start + offsets[i]));
        }
        foreach (var (input, before) in fragment.Dropped)
            pairs.Add((input, start + (before < offsets.Length && offsets[before] != uint.MaxValue ? offsets[before] : (ulong)size)));
    }

    private static EmittedCode Assemble(List<BinaryFunction> moved, Dictionary<FunctionId, Encoded> encoded, Dictionary<FunctionId, ulong> start,
        Dictionary<FunctionId, ulong> coldStart, ulong textAddress, ulong coldAddress, AddressMap map, Log log)
    {
        ulong textEnd = moved.Count == 0 ? textAddress : moved.Max(f => start[f.Id] + (ulong)encoded[f.Id].HotBytes.Length);
        var text = new byte[textEnd - textAddress];
        Array.Fill(text, Padding);
        ulong coldEnd = coldStart.Count == 0 ? coldAddress : coldStart.Max(c => c.Value + (ulong)encoded[c.Key].ColdBytes.Length);
        var cold = new byte[coldEnd - coldAddress];
        Array.Fill(cold, Padding);
        var placements = new Dictionary<FunctionId, EmittedFunction>();
        foreach (var function in moved)
        {
            var e = encoded[function.Id];
            e.HotBytes.CopyTo(text, (int)(start[function.Id] - textAddress));
            ulong coldAt = 0;
            if (e.Cold != null)
            {
                coldAt = coldStart[function.Id];
                e.ColdBytes.CopyTo(cold, (int)(coldAt - coldAddress));
            }
            placements[function.Id] = new EmittedFunction(function.Id, start[function.Id], (ulong)e.HotBytes.Length, coldAt, (ulong)e.ColdBytes.Length,
                Instructions(e.Hot, e.HotOffsets, start[function.Id]), e.Cold != null ? Instructions(e.Cold, e.ColdOffsets, coldAt) : []);
        }
        log.Info($"emitted {moved.Count} functions: {text.Length} bytes of hot code, {cold.Length} bytes of cold code");
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

    /// <summary>Functions start on the requested boundary (64) when that costs at most the allowed padding (32), else on 16.</summary>
    private static ulong AlignFunction(ulong address, EmissionOptions options)
    {
        ulong aligned = NewSegmentAlign(address, Math.Max(1, options.AlignFunctions));
        return aligned - address <= options.AlignFunctionsMaxBytes ? aligned : NewSegmentAlign(address, MinimumAlignment);
    }

    private static ulong NewSegmentAlign(ulong value, ulong alignment) => (value + alignment - 1) / alignment * alignment;

    /// <summary>Collects encoded bytes.</summary>
    private sealed class ByteWriter : CodeWriter
    {
        private readonly List<byte> _bytes = new(256);
        public override void WriteByte(byte value) => _bytes.Add(value);
        public byte[] ToArray() => _bytes.ToArray();
    }
}
