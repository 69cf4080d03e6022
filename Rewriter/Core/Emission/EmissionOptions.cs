namespace Rewriter.Emission;

/// <summary>
/// How emission places functions (llvm-bolt's --align-functions, --align-functions-max-bytes and
/// --use-compact-aligner) and how many threads encode them. The output never depends on the
/// thread count.
/// </summary>
/// <param name="CompactAlignment">A fragment is padded to the alignment only when the padding is at most its
/// own size as well (a small function is not worth more padding than itself), and starts right
/// after the previous one otherwise: the hot code stays dense.</param>
public sealed record EmissionOptions(ulong AlignFunctions = 64, ulong AlignFunctionsMaxBytes = 32, int ThreadCount = 1, bool CompactAlignment = true);
