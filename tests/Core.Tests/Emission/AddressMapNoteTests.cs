using Rewriter.Model;
using Shouldly;

namespace Rewriter.Tests.Emission;

/// <summary>
/// The stored address map: every instruction's (input, output start, output end) and every
/// fragment come back exactly, straight-line code costs about half a byte an instruction, and
/// bytes that are not such a note read as null.
/// </summary>
public class AddressMapNoteTests
{
    /// <summary>
    /// Two functions: `f` reordered and split (a shortened branch, an added jump after an
    /// instruction, a dropped jump, a dropped last instruction at its fragment's end) and `g`
    /// copied as it is right after `f`'s hot part.
    /// </summary>
    private static AddressMap Sample()
    {
        var entries = new List<(ulong Input, ulong Output, ulong End)>
        {
            // f hot at 0x5000: input 0x1000.. in order 0x1000, 0x1004, then 0x1010 (moved up), then 0x1008
            (0x1000, 0x5000, 0x5004),
            (0x1004, 0x5004, 0x5006), // a 6-byte jcc shortened to 2 bytes
            (0x100c, 0x5006, 0x5006), // two dropped instructions at one place
            (0x100a, 0x5006, 0x5006), // dropped jmp: at the next instruction's place
            (0x1010, 0x5006, 0x5009),
            (0x1008, 0x500e, 0x5010), // after a 5-byte jump the rewriter added at 0x5009
            (0x1013, 0x5010, 0x5010), // dropped last instruction: at the fragment's end
            // f cold at 0x9000
            (0x1020, 0x9000, 0x9007),
            (0x1027, 0x9007, 0x9008),
            // g copied whole at 0x5010: straight-line code
            (0x2000, 0x5010, 0x5011), (0x2001, 0x5011, 0x5014), (0x2004, 0x5014, 0x5019), (0x2009, 0x5019, 0x5020),
            (0x2010, 0x5020, 0x502f),
        };
        var fragments = new[]
        {
            new FragmentPlacement("f", 0x1000, 0x1030, 0x5000, 0x10, false),
            new FragmentPlacement("f.cold.0", 0x1000, 0x1030, 0x9000, 0x8, true),
            new FragmentPlacement("g", 0x2000, 0x202f, 0x5010, 0x1f, false),
        };
        return new AddressMap(entries.Select(e => e.Input).ToArray(), entries.Select(e => e.Output).ToArray(),
            entries.Select(e => e.End).ToArray(), fragments);
    }

    [Fact]
    public void EveryInstructionAndFragmentComesBack()
    {
        var map = Sample();
        var read = AddressMap.FromNote(map.ToNote()).ShouldNotBeNull();
        read.Instructions().ToList().ShouldBe(map.Instructions().ToList());
        read.Pairs().ToList().ShouldBe(map.Pairs().ToList());
        read.OutputEnds.ToArray().ShouldBe(map.OutputEnds.ToArray());
        read.Fragments.ShouldBe(map.Fragments);
        read.TryTranslate(0x1004, out ulong output, out ulong end).ShouldBeTrue();
        (output, end).ShouldBe((0x5004UL, 0x5006UL));
        read.TryTranslate(0x1005, out _).ShouldBeFalse();
    }

    [Fact]
    public void StraightLineCodeTakesAboutHalfAByteAnInstruction()
    {
        const int count = 100_000;
        var inputs = new ulong[count];
        var outputs = new ulong[count];
        var ends = new ulong[count];
        ulong input = 0x40_0000, output = 0x80_0000;
        for (int i = 0; i < count; i++)
        {
            ulong length = (ulong)(1 + i * 7 % 15);
            (inputs[i], outputs[i], ends[i]) = (input, output, output + length);
            input += length;
            output += length;
        }
        var map = new AddressMap(inputs, outputs, ends, [new FragmentPlacement("big", 0x40_0000, input, 0x80_0000, output - 0x80_0000, false)]);
        var note = map.ToNote();
        note.Length.ShouldBeLessThan(count * 6 / 10);
        AddressMap.FromNote(note).ShouldNotBeNull().Instructions().ShouldBe(map.Instructions());
    }

    [Fact]
    public void AnInstructionOutsideEveryFragmentIsOurBug()
    {
        var map = new AddressMap([0x1000], [0x7000], [0x7004], [new FragmentPlacement("f", 0x1000, 0x1010, 0x5000, 0x10, false)]);
        Should.Throw<InvalidOperationException>(() => map.ToNote());
    }

    [Fact]
    public void TruncatedOrCorruptNotesReadAsNull()
    {
        var note = Sample().ToNote();
        int used = 24 + BitConverter.ToInt32(note, 4); // header, owner, descriptor (then padding)
        for (int length = 0; length < used; length++)
            AddressMap.FromNote(note.AsSpan(0, length)).ShouldBeNull($"cut to {length} bytes");
        // Every single-byte change either reads as null or as some map: never an exception.
        for (int i = 0; i < note.Length; i++)
            foreach (byte value in new byte[] { 0x00, 0x7f, 0x80, 0xff })
            {
                var corrupt = note.ToArray();
                corrupt[i] = value;
                Should.NotThrow(() => AddressMap.FromNote(corrupt));
            }
        // A huge count is refused before anything is allocated for it.
        var huge = note.ToArray();
        int descriptor = 12 + 12; // note header, "rewriter\0" padded to 12
        huge[descriptor + 4] = 0xff; huge[descriptor + 5] = 0xff; huge[descriptor + 6] = 0xff; huge[descriptor + 7] = 0x0f;
        AddressMap.FromNote(huge).ShouldBeNull();
    }
}
