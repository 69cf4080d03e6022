namespace Rewriter.Emission;

/// <summary>
/// How emission places functions (llvm-bolt's --align-functions and --align-functions-max-bytes)
/// and how many threads encode them. The output never depends on the thread count.
/// </summary>
public sealed record EmissionOptions(ulong AlignFunctions = 64, ulong AlignFunctionsMaxBytes = 32, int ThreadCount = 1);
