namespace Rewriter.DebugUpdate.Contract;

/// <summary>
/// DIEs and location lists, and how many of each were copied as they were (they describe no code,
/// or code that stayed) rather than rebuilt: what keeps the update proportional to what moved.
/// </summary>
public readonly record struct UnitWork(long Dies, long CopiedDies, long LocationLists, long CopiedLocationLists)
{
    public static UnitWork operator +(UnitWork a, UnitWork b) =>
        new(a.Dies + b.Dies, a.CopiedDies + b.CopiedDies, a.LocationLists + b.LocationLists, a.CopiedLocationLists + b.CopiedLocationLists);
}
