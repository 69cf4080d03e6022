using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>Address range sets as the verifier compares them: sorted, without empty ranges, touching ones merged.</summary>
internal static class RangeSets
{
    /// <summary>Normalizes in place (see <see cref="AddressRange.NormalizeInPlace"/>).</summary>
    public static void Normalize(List<AddressRange> ranges) => AddressRange.NormalizeInPlace(ranges);

    /// <summary>A normalized copy.</summary>
    public static List<AddressRange> Normalized(List<AddressRange> ranges)
    {
        var copy = new List<AddressRange>(ranges);
        Normalize(copy);
        return copy;
    }

    public static bool Equal(List<AddressRange> a, List<AddressRange> b)
    {
        if (a.Count != b.Count)
            return false;
        for (int i = 0; i < a.Count; i++)
            if (a[i] != b[i])
                return false;
        return true;
    }
}
