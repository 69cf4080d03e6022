namespace Rewriter.Emission;

/// <summary>How emission places functions: llvm-bolt's --align-functions and --align-functions-max-bytes.</summary>
public sealed record EmissionOptions(ulong AlignFunctions = 64, ulong AlignFunctionsMaxBytes = 32);
