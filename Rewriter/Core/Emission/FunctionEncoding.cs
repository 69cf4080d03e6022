namespace Rewriter.Emission;

/// <summary>
/// One function encoded at fixed addresses: the bytes of its fragments (cold empty when it is not
/// split), its address map entries, and each
/// fragment's output instructions with the input address whose CFI state and call site they carry.
/// </summary>
internal sealed record FunctionEncoding(byte[] Hot, byte[] Cold, MapEntries Map,
    IReadOnlyList<EmittedInstruction> HotInstructions, IReadOnlyList<EmittedInstruction> ColdInstructions);
