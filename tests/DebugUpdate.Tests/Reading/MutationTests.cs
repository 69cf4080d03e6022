using Rewriter.DebugUpdate.Addresses;
using System.Diagnostics;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Reading;

/// <summary>
/// Corrupts real debug sections at random (seeded, so failures reproduce) and reads everything:
/// the only exception allowed is DwarfFormatException, and no iteration may run away.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    private const int Iterations = 10_000;
    private static readonly TimeSpan IterationLimit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TotalLimit = TimeSpan.FromSeconds(90);

    [ClangFact]
    public void Ten_thousand_mutations_raise_only_dwarf_format_exceptions()
    {
        var programs = new[]
        {
            CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5", false),
            CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-4", false),
            CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5 -gsplit-dwarf", true),
            CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-4 -gsplit-dwarf", true),
            CompiledProgram.Get(SampleSources.Language.Cpp, "-O1 -g -gdwarf-4 -fdebug-types-section", false),
            CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5 -gpubnames -gdwarf-aranges", false),
            CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-4 -ggnu-pubnames -Wl,--gdb-index", false),
        };
        foreach (var program in programs)
            ReadEverything(program.Sections, program.SplitFiles, program.Sections, program.SplitFiles); // the originals are valid

        var random = new Random(20260501);
        int formatErrors = 0;
        var run = Task.Run(() =>
        {
            for (int iteration = 0; iteration < Iterations; iteration++)
            {
                var program = programs[iteration % programs.Length];
                var main = program.Sections.Clone();
                var splits = program.SplitFiles.Select(s => s.Clone()).ToList();
                var targets = new List<(DebugSections Owner, string Name)>();
                targets.AddRange(main.Names.Where(main.Contains).Select(n => (main, n)));
                foreach (var split in splits)
                    targets.AddRange(split.Names.Where(split.Contains).Select(n => (split, n)));
                var (owner, name) = targets[random.Next(targets.Count)];
                var bytes = owner.Get(name).ToArray();
                int mutations = 1 + random.Next(4);
                for (int i = 0; i < mutations; i++)
                {
                    int at = random.Next(bytes.Length);
                    bytes[at] = random.Next(4) switch
                    {
                        0 => 0xff,
                        1 => 0x00,
                        2 => (byte)(bytes[at] ^ (1 << random.Next(8))),
                        _ => (byte)random.Next(256),
                    };
                }
                if (random.Next(20) == 0)
                    bytes = bytes[..random.Next(bytes.Length)]; // truncation
                owner.Set(name, bytes);

                var stopwatch = Stopwatch.StartNew();
                try
                {
                    ReadEverything(main, splits, program.Sections, program.SplitFiles);
                }
                catch (DwarfFormatException)
                {
                    formatErrors++;
                }
                catch (Exception ex)
                {
                    throw new Xunit.Sdk.XunitException($"iteration {iteration} ({name} mutated): {ex.GetType().Name}: {ex}");
                }
                if (stopwatch.Elapsed > IterationLimit)
                    throw new Xunit.Sdk.XunitException($"iteration {iteration} ({name} mutated) took {stopwatch.Elapsed}");
            }
        });
        if (!run.Wait(TotalLimit))
            throw new Xunit.Sdk.XunitException("mutation run did not finish: a mutated input probably made the reader loop");
        output.WriteLine($"{Iterations} mutations, {formatErrors} raised DwarfFormatException");
        formatErrors.ShouldBeGreaterThan(Iterations / 20);
    }

    private static void ReadEverything(DebugSections main, List<DebugSections> splits, DebugSections originalMain, List<DebugSections> originalSplits)
    {
        var file = DwarfFile.Open(main, splits);
        foreach (var unit in file.Units.Concat(file.SplitFiles.SelectMany(s => s.Units)))
        {
            var scanner = unit.Scan();
            while (scanner.NextDie())
                while (scanner.NextAttribute(out _))
                {
                }
            var dies = unit.Dies;
            for (int die = 0; die < dies.Count; die++)
            {
                foreach (var attribute in unit.Attributes(die))
                {
                    switch (attribute.Kind)
                    {
                        case AttributeValueKind.StringOffset or AttributeValueKind.LineStringOffset or AttributeValueKind.StringIndex
                            or AttributeValueKind.InlineString:
                            unit.GetString(in attribute);
                            break;
                        case AttributeValueKind.AddressIndex:
                            unit.ResolveAddress(in attribute);
                            break;
                        case AttributeValueKind.UnitReference or AttributeValueKind.InfoReference or AttributeValueKind.SignatureReference:
                            unit.ResolveReference(in attribute);
                            break;
                    }
                    if (unit.IsLocationList(in attribute))
                        unit.ReadLocationList(in attribute);
                }
                unit.GetRanges(die);
            }
            unit.ReadLineTable();
        }
        ArangesReader.ReadAll(main.View(DebugSectionNames.Aranges));
        DebugNamesReader.ReadAll(main.View(DebugSectionNames.Names), main.View(DebugSectionNames.Str));
        if (main.Contains(DebugSectionNames.GdbIndex))
            GdbIndexReader.Read(main.View(DebugSectionNames.GdbIndex));
        DebugVerifier.Compare(new DebugInput(originalMain, originalSplits), new DebugInput(main, splits), CodeAddressMap.Identity);
    }
}
