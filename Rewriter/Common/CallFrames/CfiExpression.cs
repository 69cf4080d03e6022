namespace Rewriter.CallFrames;

/// <summary>
/// The bytes of a DWARF expression used by a CFI rule, compared by value so that two states
/// holding equal expressions are equal states.
/// </summary>
public readonly struct CfiExpression : IEquatable<CfiExpression>
{
    private readonly byte[]? _bytes;

    public CfiExpression(ReadOnlySpan<byte> bytes) => _bytes = bytes.Length == 0 ? null : bytes.ToArray();

    public ReadOnlySpan<byte> Bytes => _bytes;
    public int Length => _bytes?.Length ?? 0;

    public bool Equals(CfiExpression other) => Bytes.SequenceEqual(other.Bytes);
    public override bool Equals(object? obj) => obj is CfiExpression other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(CfiExpression left, CfiExpression right) => left.Equals(right);
    public static bool operator !=(CfiExpression left, CfiExpression right) => !left.Equals(right);

    public override string ToString() => Convert.ToHexString(Bytes);
}
