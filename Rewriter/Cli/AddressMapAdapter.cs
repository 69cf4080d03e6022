using Rewriter.DebugUpdate.Addresses;
using Rewriter.Emission;
using Rewriter.Model;

namespace Rewriter.Cli;

/// <summary>
/// The one place where emission's address map becomes the debug update's <see cref="CodeAddressMap"/>.
/// </summary>
public static class AddressMapAdapter
{
    /// <summary>
    /// From the code just emitted: exact instruction ends come from the fragments' instruction
    /// lists, where a jump the rewriter added follows the instruction it belongs to.
    /// </summary>
    public static CodeAddressMap FromEmittedCode(EmittedCode code)
    {
        var emittedAt = new Dictionary<ulong, (ulong Origin, ulong End)>();
        foreach (var function in code.Functions.Values)
        {
            AddEnds(function.HotInstructions, function.HotStart + function.HotSize, emittedAt);
            AddEnds(function.ColdInstructions, function.ColdStart + function.ColdSize, emittedAt);
        }
        int count = code.Map.Count;
        var inputs = new ulong[count];
        var outputs = new ulong[count];
        var ends = new ulong[count];
        int next = 0;
        foreach (var (input, output) in code.Map.Pairs())
        {
            inputs[next] = input;
            outputs[next] = output;
            // Several input instructions share an output address when all but the last were
            // dropped; only the one the emitted instruction came from owns its bytes.
            ends[next] = emittedAt.TryGetValue(output, out var emitted) && emitted.Origin == input ? emitted.End : output;
            next++;
        }
        return new CodeAddressMap(inputs, outputs, ends, Fragments(code.Map));
    }

    /// <summary>From the map a rewrite stored in its output (verify-debug).</summary>
    public static CodeAddressMap FromStoredMap(AddressMap map)
    {
        var pairs = map.Pairs().ToArray();
        return new CodeAddressMap(pairs.Select(p => p.Input).ToArray(), pairs.Select(p => p.Output).ToArray(), null, Fragments(map));
    }

    private static IEnumerable<CodeAddressMap.Fragment> Fragments(AddressMap map) =>
        map.Fragments.Select(f => new CodeAddressMap.Fragment(f.InputStart, f.InputEnd, f.OutputStart, f.OutputSize, f.IsCold));

    private static void AddEnds(IReadOnlyList<EmittedInstruction> instructions, ulong fragmentEnd, Dictionary<ulong, (ulong, ulong)> emittedAt)
    {
        for (int i = 0; i < instructions.Count; i++)
        {
            ulong end = i + 1 < instructions.Count ? instructions[i + 1].Output : fragmentEnd;
            emittedAt.TryAdd(instructions[i].Output, (instructions[i].Origin, end));
        }
    }
}
