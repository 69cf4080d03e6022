namespace Rewriter.Model;

/// <summary>
/// The layout decided for one simple function: the order of its blocks and which of them go to
/// the cold fragment. Passes decide it; emission turns it into bytes.
/// </summary>
public sealed class FunctionLayout
{
    public FunctionLayout(BinaryFunction function)
    {
        Function = function.Id;
        int count = function.Body?.Blocks.Length ?? 0;
        BlockOrder = Enumerable.Range(0, count).ToArray();
        IsCold = new bool[count];
    }

    public FunctionId Function { get; }

    /// <summary>Block indices in output order (hot blocks, then cold ones). The entry block stays first.</summary>
    public int[] BlockOrder { get; set; }

    /// <summary>Per block index: true when the block goes to the cold fragment (`name.cold.0` in .text.cold).</summary>
    public bool[] IsCold { get; }

    public bool IsSplit => IsCold.Any(cold => cold);
}

/// <summary>
/// Every layout decision for the program: per simple function its block layout, and the order
/// in which functions are placed in the new .text.
/// </summary>
public sealed class BinaryLayout
{
    private readonly FunctionLayout?[] _functions;

    public BinaryLayout(BinaryContext context)
    {
        _functions = new FunctionLayout?[context.Functions.Count];
        foreach (var function in context.Functions)
            if (function.IsSimple && function.Body is { Blocks.Length: > 0 })
                _functions[function.Id.Value] = new FunctionLayout(function);
        FunctionOrder = context.Functions.Where(f => f.Kind != FunctionKind.Plt).Select(f => f.Id).ToList();
    }

    /// <summary>The layout of a simple function; null for a function that is moved whole.</summary>
    public FunctionLayout? this[FunctionId id] => _functions[id.Value];

    public IEnumerable<FunctionLayout> Functions => _functions.OfType<FunctionLayout>();

    /// <summary>Forgets the layout of a function that emission leaves as it is (non-relocation mode: it did not fit, say).</summary>
    public void Drop(FunctionId id) => _functions[id.Value] = null;

    /// <summary>Output order of the functions placed in the new .text (every non-PLT function once).</summary>
    public List<FunctionId> FunctionOrder { get; set; }
}
