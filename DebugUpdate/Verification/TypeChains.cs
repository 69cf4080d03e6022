using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Rejects a DW_AT_type chain of type modifiers and typedefs that loops back on itself (no type
/// is ever reached): malformed input, reported at the DIE that closes the loop.
/// </summary>
internal static class TypeChains
{
    private const int MaxChain = 64;

    public static bool IsModifier(DwTag tag) => tag is DwTag.Typedef or DwTag.PointerType or DwTag.ReferenceType
        or DwTag.RvalueReferenceType or DwTag.ConstType or DwTag.VolatileType or DwTag.RestrictType or DwTag.AtomicType
        or DwTag.PackedType or DwTag.SharedType or DwTag.ImmutableType;

    /// <summary>Follows DW_AT_type from modifier DIE <paramref name="die"/>; throws when the chain revisits a DIE.</summary>
    public static void Check(DwarfUnit unit, int die)
    {
        // PERF: chains are a few links long; a stack buffer with a linear search beats a set.
        Span<int> visited = stackalloc int[MaxChain];
        var (u, d) = (unit, die);
        for (int step = 0; step < MaxChain; step++)
        {
            if (u != unit)
                return; // chains that leave the unit are checked in their own unit
            if (visited[..step].Contains(d))
                throw u.Info.Error(u.SectionOffsetOf(d), "reference cycle in DW_AT_type chain");
            visited[step] = d;
            if (!IsModifier(u.TagOf(d)) || !u.TryGetAttribute(d, DwAt.Type, out var type))
                return;
            (u, d) = u.ResolveReference(in type);
        }
    }
}
