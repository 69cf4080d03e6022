using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Buffers one worker thread reuses for every unit it rebuilds, so their storage is allocated once
/// per worker rather than once per unit (large arrays left behind per unit are what grows the heap).
/// Nothing in them outlives the unit being rebuilt, but the last other unit's DIE index
/// (<see cref="ForeignDies"/>), which stays valid: a unit's DIEs do not change.
/// </summary>
public sealed class WorkerScratch
{
    /// <summary>The rows of the line table being rewritten.</summary>
    public List<LineRow> LineRows { get; } = [];

    /// <summary>The (input, output) instructions of the moved fragment whose line rows are being written.</summary>
    public List<(ulong Input, ulong Output)> LineInstructions { get; } = [];

    /// <summary>The DIE starts of the unit being rebuilt.</summary>
    public DieOffsetLookup DieLookup { get; } = new();

    /// <summary>The references of the unit being rebuilt, patched before it is done.</summary>
    public List<DieReference> References { get; } = [];

    /// <summary>The unit's fields holding list offsets (a location or range list; where; how wide; the list's offset in its body).</summary>
    public List<(bool Locations, int Position, int Size, int BodyOffset)> ListOffsetFields { get; } = [];

    /// <summary>The expression rewriter's operation starts and branch operands (each call takes off what it added).</summary>
    public List<(int Input, int Output)> ExpressionStarts { get; } = [];
    public List<(int OperandAt, int InputTarget)> ExpressionBranches { get; } = [];

    private DwarfUnit? _foreignUnit;
    private DieIndex? _foreignDies;

    /// <summary>
    /// A DIE index of another unit, private to this worker (the last one asked for is kept): the
    /// unit's own index belongs to the thread rebuilding its bucket, which gives its storage back
    /// when the bucket is done, while this worker may still be searching it.
    /// </summary>
    public DieIndex ForeignDies(DwarfUnit unit)
    {
        if (_foreignUnit != unit)
        {
            _foreignDies?.ReturnStorage();
            _foreignDies = DieIndexBuilder.Build(unit.Info, unit.Header, unit.Abbreviations);
            _foreignUnit = unit;
        }
        return _foreignDies!;
    }
}
