using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Whether two sides of a comparison hold the same debug information byte for byte: the same
/// sections (by name) with the same contents, and the same split files. Then reading one side
/// tells everything about the other.
/// </summary>
internal static class IdenticalDebugInputs
{
    public static bool Same(DebugInput original, DebugInput rewritten)
    {
        if (!Same(original.Main, rewritten.Main) || original.SplitFiles.Count != rewritten.SplitFiles.Count)
            return false;
        for (int i = 0; i < original.SplitFiles.Count; i++)
            if (!Same(original.SplitFiles[i], rewritten.SplitFiles[i]))
                return false;
        return true;
    }

    private static bool Same(DebugSections original, DebugSections rewritten)
    {
        if (ReferenceEquals(original, rewritten))
            return true;
        int count = 0;
        foreach (string name in original.Names)
        {
            if (!original.Contains(name))
                continue; // an empty section is as good as none
            count++;
            if (!rewritten.Contains(name) || !original.Get(name).Span.SequenceEqual(rewritten.Get(name).Span))
                return false;
        }
        foreach (string name in rewritten.Names)
            if (rewritten.Contains(name))
                count--;
        return count == 0;
    }
}
