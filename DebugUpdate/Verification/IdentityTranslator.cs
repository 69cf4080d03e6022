using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>Every address maps to itself: for comparing a file with a copy that moved no code.</summary>
public sealed class IdentityTranslator : IRangeTranslator
{
    public static readonly IdentityTranslator Instance = new();

    public bool TryTranslate(ulong inputAddress, out ulong outputAddress)
    {
        outputAddress = inputAddress;
        return true;
    }

    public bool TryTranslateRange(AddressRange inputRange, List<AddressRange> outputRanges)
    {
        outputRanges.Add(inputRange);
        return true;
    }
}
