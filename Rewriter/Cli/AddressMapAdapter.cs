using Rewriter.DebugUpdate.Addresses;
using Rewriter.Model;

namespace Rewriter.Cli;

/// <summary>
/// The one place where emission's address map — just emitted, or read back from an output's note
/// by verify-debug — becomes the debug update's <see cref="CodeAddressMap"/>. Both carry each
/// instruction's exact output end (a dropped instruction's is its start).
/// </summary>
public static class AddressMapAdapter
{
    public static CodeAddressMap From(AddressMap map)
    {
        int count = map.Count;
        var inputs = new ulong[count];
        var outputs = new ulong[count];
        var ends = new ulong[count];
        int next = 0;
        foreach (var (input, output, end) in map.Instructions())
        {
            inputs[next] = input;
            outputs[next] = output;
            ends[next++] = end;
        }
        return new CodeAddressMap(inputs, outputs, ends,
            map.Fragments.Select(f => new CodeAddressMap.Fragment(f.InputStart, f.InputEnd, f.OutputStart, f.OutputSize, f.IsCold)));
    }
}
