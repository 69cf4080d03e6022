namespace Rewriter.Passes.Blocks;

/// <summary>
/// A tiny seeded generator (SplitMix64) whose sequence is fixed by its definition, so a
/// `--seed` gives the same layout on every .NET version and machine (System.Random promises less).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, bound); the tiny modulo bias is irrelevant for test layouts.</summary>
    public int Below(int bound) => (int)(Next() % (ulong)bound);
}
