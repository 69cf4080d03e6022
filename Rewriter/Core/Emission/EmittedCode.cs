using Rewriter.Common;
using Rewriter.Model;

namespace Rewriter.Emission;

/// <summary>
/// One output instruction: its address, and the input address whose CFI state and exception
/// call site it carries (for an added jump, those of the input instruction it follows).
/// </summary>
public readonly record struct EmittedInstruction(ulong Output, ulong Origin);

/// <summary>Where a moved function's fragments went, instruction by instruction.</summary>
public sealed record EmittedFunction(FunctionId Id, ulong HotStart, ulong HotSize, ulong ColdStart, ulong ColdSize,
    IReadOnlyList<EmittedInstruction> HotInstructions, IReadOnlyList<EmittedInstruction> ColdInstructions)
{
    public bool IsSplit => ColdSize > 0;
}

/// <summary>The new code: hot text, cold text, where each function went, and the address map.</summary>
public sealed class EmittedCode
{
    public required ulong TextAddress { get; init; }
    public required byte[] Text { get; init; }
    public required ulong ColdAddress { get; init; }
    public required byte[] Cold { get; init; }
    public required IReadOnlyDictionary<FunctionId, EmittedFunction> Functions { get; init; }
    public required AddressMap Map { get; init; }
    /// <summary>The index the new .text section gets in the output's section table (the first section added).</summary>
    public int TextSectionIndex { get; set; }
    /// <summary>
    /// The index of the new .text.cold, when there is cold code: added right after .text, or first
    /// when functions were rewritten in place (no new .text).
    /// </summary>
    public int ColdSectionIndex => InPlace ? TextSectionIndex : TextSectionIndex + 1;
    /// <summary>Non-relocation mode: functions were rewritten at their own addresses; only cold fragments are new.</summary>
    public bool InPlace { get; init; }
    /// <summary>Non-simple functions copied byte for byte (<see cref="WholeFunctionMover"/>): their old copy and its FDE stay valid.</summary>
    public IReadOnlySet<FunctionId> CopiedWhole { get; init; } = new HashSet<FunctionId>();
    /// <summary>The moved functions in input address order, for lookups by old address.</summary>
    public required IReadOnlyList<BinaryFunction> MovedFunctions { get; init; }

    /// <summary>
    /// The output address of input code address <paramref name="address"/>: an instruction start in
    /// moved code maps through the address map; anything else is unchanged.
    /// </summary>
    public ulong Relocate(ulong address) => Map.TryTranslate(address, out ulong moved) ? moved : address;

    /// <summary>The moved function containing <paramref name="address"/>, or null.</summary>
    public BinaryFunction? MovedFunctionContaining(ulong address)
    {
        int index = SortedSearch.UpperBound(MovedFunctions, address, static (in BinaryFunction f) => f.End);
        return index < MovedFunctions.Count && MovedFunctions[index].Address <= address ? MovedFunctions[index] : null;
    }
}
