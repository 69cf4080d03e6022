namespace Rewriter.Model;

/// <summary>One callee a call site reached in the profile: the callee's entry address and how often.</summary>
public readonly record struct ProfiledCall(ulong Callee, ulong Count);
