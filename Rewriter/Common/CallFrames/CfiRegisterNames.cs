namespace Rewriter.CallFrames;

/// <summary>x86-64 DWARF register numbers (System V psABI, figure 3.36) and their printed names.</summary>
public static class CfiRegisterNames
{
    public const uint Rbx = 3, Rbp = 6, Rsp = 7, ReturnAddress = 16;

    /// <summary>The highest register number accepted from input; bounds the size of every state.</summary>
    public const uint MaxRegister = 255;

    private static readonly string[] General =
        ["RAX", "RDX", "RCX", "RBX", "RSI", "RDI", "RBP", "RSP", "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15", "RIP"];

    public static string Name(uint register) => register switch
    {
        <= 16 => General[register],
        <= 32 => $"XMM{register - 17}",
        <= 40 => $"ST{register - 33}",
        <= 48 => $"MM{register - 41}",
        >= 67 and <= 82 => $"XMM{register - 67 + 16}",
        _ => $"reg{register}",
    };
}
