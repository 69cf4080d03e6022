using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Tests.Building;

/// <summary>
/// The compact map the merge keeps of a unit's DIE offsets gives, for every input DIE, the output
/// offset the per-DIE table gave, with one entry per run of DIEs that kept their distance.
/// </summary>
public sealed class DieOffsetMapTests
{
    private static DieEntry[] Dies(params uint[] inputOffsets) =>
        inputOffsets.Select(offset => new DieEntry(offset, 0, 0, DwTag.Variable)).ToArray();

    [Fact]
    public void Every_input_DIE_maps_to_its_output_offset_through_growth_and_shrinking()
    {
        // DIE 1 grows by 5 bytes (low/high_pc became ranges), DIE 3 shrinks by 2: the others keep their distances.
        var dies = Dies(0x0c, 0x20, 0x31, 0x40, 0x52, 0x60, 0x61);
        uint[] output = [0x0c, 0x20, 0x36, 0x45, 0x55, 0x63, 0x64];
        var map = DieOffsetMap.Build(dies, output);
        for (int die = 0; die < dies.Length; die++)
            map.OutputOffsetOf(dies[die].UnitOffset).ShouldBe(output[die], $"DIE {die}");
        map.Runs.ShouldBe(3); // from DIE 0, from DIE 2 (+5), from DIE 4 (+3)
    }

    [Fact]
    public void A_unit_whose_DIEs_all_kept_their_places_is_one_run()
    {
        var dies = Dies(0x0b, 0x14, 0x30);
        var map = DieOffsetMap.Build(dies, [0x0b, 0x14, 0x30]);
        map.Runs.ShouldBe(1);
        map.OutputOffsetOf(0x30).ShouldBe(0x30u);
    }

    [Fact]
    public void A_shift_at_the_first_DIE_and_an_offset_before_it_are_told_apart()
    {
        var map = DieOffsetMap.Build(Dies(0x0c, 0x18), [0x10, 0x1c]);
        map.OutputOffsetOf(0x18).ShouldBe(0x1cu);
        Should.Throw<InvalidOperationException>(() => map.OutputOffsetOf(0x08));
        Should.Throw<ArgumentException>(() => DieOffsetMap.Build(Dies(0x0c), [0x0c, 0x10]));
    }
}
