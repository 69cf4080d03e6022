using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>Maps an input (original) code address to where that instruction lives in the output.</summary>
public interface IAddressTranslator
{
    /// <summary>False when the address is not the start of a known instruction (or its code was dropped).</summary>
    bool TryTranslate(ulong inputAddress, out ulong outputAddress);
}

/// <summary>
/// Optional, more precise: translates a whole input range into the output ranges its code occupies
/// (several when a function was split). When available the verifier compares ranges exactly;
/// otherwise it checks membership of every known instruction address (line rows, range starts).
/// </summary>
public interface IRangeTranslator : IAddressTranslator
{
    /// <summary>Appends the output ranges of <paramref name="inputRange"/> to <paramref name="outputRanges"/>; false if it cannot.</summary>
    bool TryTranslateRange(AddressRange inputRange, List<AddressRange> outputRanges);
}
