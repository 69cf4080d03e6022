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
    // PERF: the columns are shared, not copied (a program whose every function moved has millions
    // of instructions).
    public static CodeAddressMap From(AddressMap map) =>
        CodeAddressMap.Share(map.InputStarts, map.OutputStarts, map.OutputEnds,
            map.Fragments.Select(f => new CodeAddressMap.Fragment(f.InputStart, f.InputEnd, f.OutputStart, f.OutputSize, f.IsCold)));
}
