using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// The core of `rewriter verify-debug ORIGINAL REWRITTEN`: checks that the rewritten program's
/// debug information describes the translated original faithfully. Malformed DWARF on either side
/// raises <see cref="DwarfFormatException"/>.
/// </summary>
public static class DebugVerifier
{
    public static VerificationReport Compare(DebugInput original, DebugInput rewritten, IAddressTranslator translator)
    {
        var originalFile = DwarfFile.Open(original.Main, original.SplitFiles);
        var rewrittenFile = DwarfFile.Open(rewritten.Main, rewritten.SplitFiles);
        return Compare(originalFile, rewrittenFile, translator);
    }

    public static VerificationReport Compare(DwarfFile original, DwarfFile rewritten, IAddressTranslator translator)
    {
        var report = new VerificationReport();
        var mapping = new AddressMapping(translator);

        // Line rows first: their addresses are the instruction starts the range checks sample.
        var samples = LineTableComparer.Compare(original, rewritten, mapping, report);
        mapping.SetSamplePoints(samples);

        var comparer = new DieTreeComparer(mapping, report);
        if (original.Units.Count != rewritten.Units.Count)
            report.Add(DifferenceKind.Structure, "(file)", $"{rewritten.Units.Count} units in the output, {original.Units.Count} in the original");
        int count = Math.Min(original.Units.Count, rewritten.Units.Count);
        for (int i = 0; i < count; i++)
        {
            var before = original.Units[i];
            var after = rewritten.Units[i];
            if (before.Header.UnitType != after.Header.UnitType || before.RootTag != after.RootTag)
            {
                report.Add(DifferenceKind.Structure, DiePaths.Of(before, 0), $"unit {i} is a {after.Header.UnitType} unit in the output, {before.Header.UnitType} in the original");
                continue;
            }
            comparer.CompareUnits(before, after);
            if (before.SplitUnit is { } splitBefore)
            {
                if (after.SplitUnit is { } splitAfter)
                    comparer.CompareUnits(splitBefore, splitAfter);
                else
                    report.Add(DifferenceKind.Structure, DiePaths.Of(before, 0), "the output's split unit was not found (missing .dwo/.dwp or dwo_id changed)");
            }
            // Units are compared one at a time; drop their indexes to bound memory.
            before.ReleaseDies();
            after.ReleaseDies();
        }
        CompareSplitTypeUnits(original, rewritten, comparer, report);
        return report;
    }

    // Type units that live in .dwo files/packages have no skeleton; pair them by signature.
    private static void CompareSplitTypeUnits(DwarfFile original, DwarfFile rewritten, DieTreeComparer comparer, VerificationReport report)
    {
        foreach (var split in original.SplitFiles)
        {
            foreach (var unit in split.Units)
            {
                if (!unit.Header.IsTypeUnit)
                    continue;
                var counterpart = rewritten.FindTypeUnit(unit.Header.TypeSignature);
                if (counterpart is null)
                    report.Add(DifferenceKind.Structure, DiePaths.Of(unit, 0), $"type unit 0x{unit.Header.TypeSignature:x16} is missing from the output");
                else
                    comparer.CompareUnits(unit, counterpart);
            }
        }
    }
}
