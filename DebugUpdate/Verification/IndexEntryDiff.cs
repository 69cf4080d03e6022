namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// The one walk every index comparer makes: both sides' entries sorted, then merged; each entry on
/// one side only is handed over as missing from the output or new in it. Counts what it compares.
/// </summary>
internal static class IndexEntryDiff
{
    /// <param name="onlyOnOneSide">called with an entry and true when only the original has it, false when only the output has it</param>
    public static void Walk<T>(List<T> before, List<T> after, VerificationReport report, Action<T, bool> onlyOnOneSide) where T : IComparable<T>
    {
        before.Sort();
        after.Sort();
        int i = 0, j = 0;
        while (i < before.Count || j < after.Count)
        {
            report.IndexEntriesCompared++;
            int c = i == before.Count ? 1 : j == after.Count ? -1 : before[i].CompareTo(after[j]);
            if (c == 0) { i++; j++; continue; }
            if (c < 0)
                onlyOnOneSide(before[i++], true);
            else
                onlyOnOneSide(after[j++], false);
        }
    }
}
