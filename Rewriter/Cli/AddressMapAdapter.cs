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
    // PERF: one copy of each column (a program whose every function moved has millions of
    // instructions), handed over to the debug update's map rather than copied again there.
    public static CodeAddressMap From(AddressMap map) =>
        CodeAddressMap.Adopt(map.InputStarts.ToArray(), map.OutputStarts.ToArray(), map.OutputEnds.ToArray(),
            map.Fragments.Select(f => new CodeAddressMap.Fragment(f.InputStart, f.InputEnd, f.OutputStart, f.OutputSize, f.IsCold)));
}
