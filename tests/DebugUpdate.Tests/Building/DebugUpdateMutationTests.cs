using System.Diagnostics;
using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// Corrupts real debug sections (seeded, so a failure reproduces) and runs the whole debug update
/// on them, as <see cref="Reading.MutationTests"/> does for the reader: every case must either
/// update or raise <see cref="DwarfFormatException"/> at a section of the input and an offset
/// inside it, never another exception and never run away. The mutations aim at what the update
/// trusts: unit headers, abbreviation codes and forms, the values of offsets and references, list
/// entries, and truncation. RW_DEBUG_MUTATIONS and RW_DEBUG_MUTATION_SEED set the count and the seed
/// for a longer hunt.
/// </summary>
public sealed class DebugUpdateMutationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TimePerCase = TimeSpan.FromMilliseconds(40);
    private static readonly DebugUpdateOptions Options = new() { ThreadCount = 1 };

    /// <summary>The sections the update reads for main units.</summary>
    private static readonly string[] Targets =
    [
        DebugSectionNames.Info, DebugSectionNames.Abbrev, DebugSectionNames.Line, DebugSectionNames.Loc, DebugSectionNames.Loclists,
        DebugSectionNames.Ranges, DebugSectionNames.Rnglists, DebugSectionNames.Addr, DebugSectionNames.StrOffsets,
        DebugSectionNames.Str, DebugSectionNames.LineStr, DebugSectionNames.Aranges, DebugSectionNames.Types,
    ];

    private sealed record Program(DebugSections Sections, CodeAddressMap Map, int[] InfoStructure);

    [ClangFact]
    public void Mutated_input_updates_or_raises_a_dwarf_format_exception_inside_the_input()
    {
        int cases = int.TryParse(Environment.GetEnvironmentVariable("RW_DEBUG_MUTATIONS"), out int n) ? n : 3_000;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("RW_DEBUG_MUTATION_SEED"), out int s) ? s : 20261201;
        var programs = new[]
        {
            Load(CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5", false)),
            Load(CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-4", false)),
            Load(CompiledProgram.Get(SampleSources.Language.Cpp, "-O2 -g -gdwarf-5 -gdwarf-aranges", false)),
            Load(CompiledProgram.Get(SampleSources.Language.C, "-O2 -g -gdwarf-5", false, CompiledProgram.Compiler.Gcc)),
            Load(CompiledProgram.Get(SampleSources.Language.Cpp, "-O1 -g -gdwarf-4 -fdebug-types-section", false)),
        };
        foreach (var program in programs)
        {
            program.Map.Fragments.Count(f => f.IsCold).ShouldBeGreaterThan(1); // functions move and split
            DebugUpdater.Update(program.Sections, program.Map, Options).Sections.ContainsKey(DebugSectionNames.Info).ShouldBeTrue(); // the originals update cleanly
        }

        var random = new Random(seed);
        int formatErrors = 0, updated = 0;
        int current = -1;
        string currentCase = "";
        var run = Task.Run(() =>
        {
            for (int number = 0; number < cases; number++)
            {
                var program = programs[number % programs.Length];
                var input = program.Sections.Clone();
                string description = Mutate(input, program, random);
                current = number;
                currentCase = description;
                var stopwatch = Stopwatch.StartNew();
                try
                {
                    DebugUpdater.Update(input, program.Map, Options);
                    updated++;
                }
                catch (DwarfFormatException e)
                {
                    int length = input.Get(e.Section!).Length;
                    if (!Targets.Contains(e.Section) && !input.Contains(e.Section!) || e.Offset < 0 || e.Offset > length)
                        throw new Xunit.Sdk.XunitException($"case {number} ({description}): the error names {e.Section}+0x{e.Offset:x}, not a place in the input (0x{length:x} bytes): {e.What}");
                    formatErrors++;
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"case {number} ({description}): {e.GetType().Name}: {e}");
                }
                if (stopwatch.Elapsed > CaseLimit)
                    throw new Xunit.Sdk.XunitException($"case {number} ({description}) took {stopwatch.Elapsed}");
            }
        });
        if (!run.Wait(TimeSpan.FromSeconds(30) + cases * TimePerCase))
            throw new Xunit.Sdk.XunitException($"the mutation run did not finish: case {current} ({currentCase}) probably made the update loop");
        output.WriteLine($"{cases} mutations (seed {seed}): {updated} updated, {formatErrors} raised DwarfFormatException");
        formatErrors.ShouldBeGreaterThan(cases / 10);
        updated.ShouldBeGreaterThan(cases / 10);
    }

    private static Program Load(CompiledProgram compiled)
    {
        var file = compiled.Open();
        var structure = new List<int>();
        foreach (var unit in file.Units.Where(u => !u.IsTypeSectionUnit))
        {
            for (int i = 0; i < 12; i++)
                structure.Add((int)unit.Offset + i); // the unit header
            for (int die = 0; die < unit.Dies.Count; die++)
            {
                structure.Add((int)(unit.Offset + unit.Dies[die].UnitOffset)); // the abbreviation code
                foreach (var attribute in unit.Attributes(die))
                    if (attribute.Kind is not (AttributeValueKind.InlineString or AttributeValueKind.Block or AttributeValueKind.Expression or AttributeValueKind.Flag))
                        structure.Add(attribute.ValueOffset); // offsets, references, indexes, constants
            }
        }
        return new Program(compiled.Sections, MovedCodeMaps.SplitAndReversedFunctions(file), [.. structure]);
    }

    /// <summary>Applies one seeded corruption to <paramref name="input"/> and says what it was.</summary>
    private static string Mutate(DebugSections input, Program program, Random random)
    {
        var present = Targets.Where(input.Contains).ToArray();
        string name = random.Next(3) == 0 ? DebugSectionNames.Info : present[random.Next(present.Length)];
        var bytes = input.Get(name).ToArray();
        string what;
        if (random.Next(8) == 0)
        {
            int length = random.Next(bytes.Length);
            bytes = bytes[..length];
            what = $"truncated to 0x{length:x}";
        }
        else
        {
            int flips = 1 + random.Next(3);
            var places = new List<string>();
            for (int i = 0; i < flips; i++)
            {
                int at = name == DebugSectionNames.Info && random.Next(4) != 0
                    ? program.InfoStructure[random.Next(program.InfoStructure.Length)]
                    : random.Next(bytes.Length);
                if (random.Next(6) == 0 && at + 4 <= bytes.Length)
                {
                    // A whole offset or reference replaced: just past the end of its section, or anywhere.
                    uint value = random.Next(2) == 0 ? (uint)(bytes.Length + random.Next(16)) : (uint)random.Next();
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), value);
                    places.Add($"0x{at:x}=u32 0x{value:x}");
                    continue;
                }
                bytes[at] = random.Next(6) switch
                {
                    0 => 0xff,
                    1 => 0x00,
                    2 => 0x80, // a LEB128 that goes on
                    3 => (byte)(bytes[at] + 1),
                    4 => (byte)(bytes[at] ^ (1 << random.Next(8))),
                    _ => (byte)random.Next(256),
                };
                places.Add($"0x{at:x}=0x{bytes[at]:x2}");
            }
            what = string.Join(", ", places);
        }
        input.Set(name, bytes);
        return $"{name} {what}";
    }
}
