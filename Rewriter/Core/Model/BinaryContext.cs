using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;

namespace Rewriter.Model;

/// <summary>
/// Everything known about the input program: the file, its symbols, relocations, FDEs and
/// functions. Built once by discovery; analysis fills in each function's body.
/// </summary>
public sealed class BinaryContext
{
    public required ElfFile Elf { get; init; }
    public required IReadOnlyList<BinaryFunction> Functions { get; init; }
    public CallFrameTable? EhFrame { get; init; }
    /// <summary>Relocations against code and data, sorted by the address they patch (from --emit-relocs).</summary>
    public required RelocationIndex Relocations { get; init; }
    /// <summary>True when the input keeps its static relocations (linked with --emit-relocs).</summary>
    public bool HasRelocations => Relocations.Count > 0;

    /// <summary>Profiled calls by call-site address (calls and conditional tail calls), once a profile is attached.</summary>
    public IReadOnlyDictionary<ulong, ulong> CallSiteCounts { get; set; } = new Dictionary<ulong, ulong>();

    /// <summary>
    /// The callees each profiled call site reached, by call-site address: the only record of where
    /// an indirect call (`call *%rax`, a call through a function-pointer table) or an indirect
    /// tail jump goes.
    /// </summary>
    public IReadOnlyDictionary<ulong, ProfiledCall[]> ProfiledCallTargets { get; set; } = new Dictionary<ulong, ProfiledCall[]>();

    private ulong[]? _starts;

    /// <summary>The function whose [Address, End) holds <paramref name="address"/>, or null.</summary>
    public BinaryFunction? FunctionContaining(ulong address)
    {
        _starts ??= Functions.Select(f => f.Address).ToArray();
        int index = Array.BinarySearch(_starts, address);
        if (index < 0)
            index = ~index - 1;
        // Several functions may start at one address only if discovery merged them; scan back for safety.
        for (int i = index; i >= 0 && i > index - 2; i--)
            if (Functions[i].Contains(address))
                return Functions[i];
        return null;
    }

    public BinaryFunction? FunctionAt(ulong address) =>
        FunctionContaining(address) is { } function && function.Address == address ? function : null;
}
