using System.Text;
using Rewriter.Common;

namespace Rewriter.CallFrames;

/// <summary>
/// The full unwind state at one address: the CFA rule, a rule per register (sorted by register;
/// registers without a rule are unspecified) and the GNU_args_size value. Immutable, compared by value.
/// </summary>
public sealed class CfiState : IEquatable<CfiState>
{
    private readonly CfiRegisterRule[] _rules;
    private readonly int _hash;

    public static CfiState Empty { get; } = new(default, [], 0);

    /// <param name="rules">Rules sorted by register, one per register (the array is adopted, not copied).</param>
    internal CfiState(CfaRule cfa, CfiRegisterRule[] rules, ulong argsSize)
    {
        Cfa = cfa;
        _rules = rules;
        ArgsSize = argsSize;
        var hash = new HashCode();
        hash.Add(cfa);
        hash.Add(argsSize);
        foreach (var rule in rules)
            hash.Add(rule);
        _hash = hash.ToHashCode();
    }

    /// <summary>Builds a state from rules in any order; a later rule for the same register wins.</summary>
    public static CfiState Create(CfaRule cfa, IEnumerable<CfiRegisterRule> rules, ulong argsSize = 0)
    {
        var byRegister = new SortedDictionary<uint, CfiRule>();
        foreach (var rule in rules)
            byRegister[rule.Register] = rule.Rule;
        return new CfiState(cfa, byRegister.Select(p => new CfiRegisterRule(p.Key, p.Value)).ToArray(), argsSize);
    }

    public CfaRule Cfa { get; }

    /// <summary>Rules sorted by register number.</summary>
    public ReadOnlySpan<CfiRegisterRule> Rules => _rules;

    /// <summary>The DW_CFA_GNU_args_size value (bytes of outgoing arguments pushed at this point).</summary>
    public ulong ArgsSize { get; }

    public CfiRule? RuleFor(uint register)
    {
        int index = IndexOf(_rules, register);
        return index >= 0 ? _rules[index].Rule : null;
    }

    internal static int IndexOf(ReadOnlySpan<CfiRegisterRule> rules, uint register)
    {
        int index = SortedSearch.LowerBound(rules, register, static (in CfiRegisterRule rule) => rule.Register);
        return index < rules.Length && rules[index].Register == register ? index : ~index;
    }

    public bool Equals(CfiState? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (_hash == other._hash && Cfa == other.Cfa && ArgsSize == other.ArgsSize && Rules.SequenceEqual(other.Rules)));

    public override bool Equals(object? obj) => Equals(obj as CfiState);
    public override int GetHashCode() => _hash;

    /// <summary>Close to llvm-dwarfdump's row format: <c>CFA=RSP+16: RBP=[CFA-16], RIP=[CFA-8]</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("CFA=").Append(Cfa);
        for (int i = 0; i < _rules.Length; i++)
            text.Append(i == 0 ? ": " : ", ").Append(_rules[i]);
        if (ArgsSize != 0)
            text.Append(" args_size=").Append(ArgsSize);
        return text.ToString();
    }
}
