using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Addresses;

/// <summary>A code address of the input program.</summary>
public readonly record struct InputAddress(ulong Value)
{
    public override string ToString() => $"0x{Value:x}";
}

/// <summary>A code address of the output program.</summary>
public readonly record struct OutputAddress(ulong Value)
{
    public override string ToString() => $"0x{Value:x}";
}

/// <summary>Maps an input (original) code address to where that instruction lives in the output.</summary>
public interface IAddressTranslator
{
    /// <summary>False when the address is inside moved code but not the start of one of its instructions.</summary>
    bool TryTranslate(InputAddress input, out OutputAddress output);
}

/// <summary>
/// Translates whole input ranges into the output ranges their code occupies (several when a function
/// was split or its blocks reordered). When available the verifier compares ranges exactly;
/// otherwise it checks membership of every known instruction address.
/// </summary>
public interface IRangeTranslator : IAddressTranslator
{
    /// <summary>Appends the output ranges of <paramref name="inputRange"/> to <paramref name="outputRanges"/>; false if it cannot.</summary>
    bool TryTranslateRange(AddressRange inputRange, List<AddressRange> outputRanges);
}
