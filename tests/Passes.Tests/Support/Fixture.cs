using System.Buffers.Binary;
using Iced.Intel;
using Rewriter.Diagnostics;
using Rewriter.Elf.Reading;
using Rewriter.Model;

namespace Rewriter.Passes.Tests.Support;

/// <summary>
/// Hand-built programs for layout tests: functions with CFGs made of blocks that have sizes,
/// counts and edges but (mostly) no instructions; calls are the only instructions made.
/// </summary>
public static class Fixture
{
    private static readonly Lazy<ElfFile> EmptyElf = new(() => ElfFile.Open(WriteMinimalElf()));
    private static readonly ElfSection Text = new(1, ".text", default);

    /// <summary>A context over the given functions (ids must be 0..n-1 in address order).</summary>
    public static BinaryContext Context(IReadOnlyList<BinaryFunction> functions, IReadOnlyDictionary<ulong, ulong>? callSiteCounts = null,
        IReadOnlyDictionary<ulong, ProfiledCall[]>? callTargets = null) => new()
    {
        Elf = EmptyElf.Value,
        Functions = functions,
        Relocations = RelocationIndex.Empty,
        CallSiteCounts = callSiteCounts ?? new Dictionary<ulong, ulong>(),
        ProfiledCallTargets = callTargets ?? new Dictionary<ulong, ProfiledCall[]>(),
    };

    public static BinaryFunction Function(int id, string name, ulong address, ulong size, FunctionBody? body = null,
        ulong executionCount = 0, bool hasProfile = false, FunctionKind kind = FunctionKind.Regular, string[]? profileNames = null)
    {
        var function = new BinaryFunction
        {
            Id = new FunctionId(id),
            Name = name,
            Names = [name],
            ProfileNames = profileNames ?? [name],
            Address = address,
            Size = size,
            Section = Text,
            Kind = kind,
        };
        function.Body = body;
        function.ExecutionCount = executionCount;
        function.HasProfile = hasProfile;
        return function;
    }

    /// <summary>A function whose CFG <paramref name="cfg"/> describes, profiled when any block has a count.</summary>
    public static BinaryFunction Function(int id, string name, ulong address, TestCfg cfg)
    {
        var body = cfg.Build(address);
        ulong size = body.Blocks.Length == 0 ? 1 : body.Blocks[^1].End - address;
        bool profiled = cfg.Counts.Any(c => c > 0);
        return Function(id, name, address, size, body, cfg.Counts.Count > 0 ? cfg.Counts[0] : 0, profiled);
    }

    public static PassContext PassContext(BinaryContext context, LayoutOptions? options = null, Log? log = null, TextWriter? print = null) =>
        new(context, new BinaryLayout(context), options ?? new LayoutOptions(), log ?? Log.Silent, print);

    /// <summary>The smallest file <see cref="ElfFile"/> accepts: an x86-64 executable header, nothing else.</summary>
    private static string WriteMinimalElf()
    {
        var image = new byte[64];
        image[0] = 0x7f; image[1] = (byte)'E'; image[2] = (byte)'L'; image[3] = (byte)'F';
        image[4] = 2; image[5] = 1; image[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(16), 2);  // ET_EXEC
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(18), 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(58), 64);
        string path = Path.Combine(Path.GetTempPath(), $"passes-tests-{Environment.ProcessId}.elf");
        File.WriteAllBytes(path, image);
        return path;
    }
}

/// <summary>Builds a CFG: blocks in address order (block 0 is the entry), edges, calls, landing pads.</summary>
public sealed class TestCfg
{
    private readonly List<ulong> _sizes = [];
    private readonly List<(int From, int To, ulong Count, EdgeKind Kind)> _edges = [];
    private readonly List<(int Block, ulong Target)> _calls = []; // target 0: an indirect call
    private readonly List<(int Thrower, int Pad)> _landingPads = [];
    private readonly Dictionary<int, (int Target, Code Code)> _branches = [];

    public List<ulong> Counts { get; } = [];

    public TestCfg Block(ulong size, ulong count = 0)
    {
        _sizes.Add(size);
        Counts.Add(count);
        return this;
    }

    public TestCfg Blocks(int n, ulong size, ulong count = 0)
    {
        for (int i = 0; i < n; i++)
            Block(size, count);
        return this;
    }

    public TestCfg Edge(int from, int to, ulong count = 0, EdgeKind kind = EdgeKind.Taken)
    {
        _edges.Add((from, to, count, kind));
        return this;
    }

    /// <summary>A direct call to <paramref name="target"/> at the start of <paramref name="block"/>.</summary>
    public TestCfg Call(int block, ulong target)
    {
        _calls.Add((block, target));
        return this;
    }

    /// <summary>An indirect call (`call *%rax`, 5 bytes here like a direct one) at the start of <paramref name="block"/>, after its direct calls.</summary>
    public TestCfg IndirectCall(int block)
    {
        _calls.Add((block, 0));
        return this;
    }

    /// <summary>
    /// A branch to <paramref name="target"/> as the last instruction of <paramref name="block"/>
    /// (its last bytes), encoded as <paramref name="code"/> (Jg_rel8_64, Jmp_rel32_64, …); add its edge too.
    /// </summary>
    public TestCfg Branch(int block, int target, Code code)
    {
        _branches[block] = (target, code);
        return this;
    }

    public TestCfg LandingPad(int thrower, int pad)
    {
        _landingPads.Add((thrower, pad));
        return this;
    }

    public FunctionBody Build(ulong address)
    {
        var instructions = new List<Instruction>();
        var references = new List<InstructionReference>();
        var blocks = new BasicBlock[_sizes.Count];
        var starts = new ulong[_sizes.Count];
        for (int b = 1; b < starts.Length; b++)
            starts[b] = starts[b - 1] + _sizes[b - 1];
        ulong at = address;
        for (int b = 0; b < blocks.Length; b++)
        {
            int first = instructions.Count;
            foreach (var (_, target) in _calls.Where(c => c.Block == b).OrderBy(c => c.Target == 0))
            {
                var call = target != 0 ? Instruction.CreateBranch(Code.Call_rel32_64, target) : Instruction.Create(Code.Call_rm64, Register.RAX);
                call.Length = 5; // before IP: Iced keeps NextIP and derives IP from the length
                call.IP = at + (ulong)(instructions.Count - first) * 5;
                instructions.Add(call);
                references.Add(target != 0 ? new InstructionReference(ReferenceKind.Call, target) : default);
            }
            if (_branches.TryGetValue(b, out var branch))
            {
                var jump = Instruction.CreateBranch(branch.Code, address + starts[branch.Target]);
                jump.Length = branch.Code.IsJccShort() || branch.Code.IsJmpShort() ? 2 : branch.Code.IsJmpNear() ? 5 : 6;
                jump.IP = at + _sizes[b] - (ulong)jump.Length;
                instructions.Add(jump);
                references.Add(new InstructionReference(ReferenceKind.LocalBranch, address + starts[branch.Target]));
            }
            blocks[b] = new BasicBlock
            {
                Index = b,
                Address = at,
                End = at + _sizes[b],
                FirstInstruction = first,
                InstructionCount = instructions.Count - first,
                IsEntry = b == 0,
                ExecutionCount = Counts[b],
            };
            at += _sizes[b];
        }
        foreach (var (from, to, count, kind) in _edges)
        {
            blocks[from].Successors.Add(new Edge(to, kind) { Count = count });
            if (!blocks[to].Predecessors.Contains(from))
                blocks[to].Predecessors.Add(from);
        }
        foreach (var (thrower, pad) in _landingPads)
        {
            blocks[pad].IsLandingPad = true;
            blocks[thrower].LandingPads.Add(pad);
        }
        return new FunctionBody { Instructions = [.. instructions], References = [.. references], Blocks = blocks };
    }

    /// <summary>A random CFG: a fall-through spine, extra forward and backward jumps, random counts.</summary>
    public static TestCfg Random(Random random, int blocks)
    {
        var cfg = new TestCfg();
        for (int b = 0; b < blocks; b++)
            cfg.Block((ulong)random.Next(2, 120), 0);
        var counts = new ulong[blocks];
        for (int b = 0; b < blocks; b++)
        {
            bool last = b == blocks - 1;
            if (!last && random.Next(4) != 0)
            {
                ulong count = (ulong)random.Next(0, 1000);
                cfg.Edge(b, b + 1, count, EdgeKind.FallThrough);
                counts[b + 1] += count;
            }
            if (random.Next(3) != 0)
            {
                int target = random.Next(1, blocks);
                ulong count = (ulong)random.Next(0, 1000);
                cfg.Edge(b, target, count);
                counts[target] += count;
            }
        }
        counts[0] = Math.Max(counts[0], 1);
        for (int b = 0; b < blocks; b++)
            cfg.Counts[b] = counts[b];
        return cfg;
    }
}
