using System.Collections.Concurrent;
using Rewriter.Diagnostics;

namespace Rewriter.CallFrames;

/// <summary>
/// Evaluates CFI programs (a CIE's initial instructions, then an FDE's instructions) into a
/// <see cref="CfiTable"/>. Register numbers are x86-64 DWARF numbers. Thread-safe: initial states
/// of CIEs are cached.
/// </summary>
public sealed class CfiInterpreter(ReadOnlyMemory<byte> section, ulong sectionAddress, string sectionName = ".eh_frame")
{
    // Bounds the work a hostile program can cause (each remembered state is a copy).
    internal const int MaxRememberDepth = 1024;

    private readonly ConcurrentDictionary<int, CfiState> _initialStates = new();

    public CfiState InitialState(Cie cie) =>
        _initialStates.GetOrAdd(cie.Offset, _ => EvaluateInitial(
            section.Span, cie.InstructionsOffset, cie.InstructionsLength, sectionName, CfiEncoding.Of(cie), sectionAddress));

    public CfiTable Evaluate(Fde fde) =>
        EvaluateProgram(section.Span, fde.InstructionsOffset, fde.InstructionsLength, sectionName, CfiEncoding.Of(fde.Cie),
            InitialState(fde.Cie), fde.PcBegin, fde.PcEnd, sectionAddress);

    /// <summary>Runs a CIE's initial instructions from the empty state.</summary>
    public static CfiState EvaluateInitial(ReadOnlySpan<byte> data, int start, int length, string sectionName,
        CfiEncoding encoding, ulong dataAddress = 0)
    {
        var reader = new CfiInstructionReader(data, start, length, sectionName, encoding, dataAddress);
        var machine = new CfiMachine(CfiState.Empty);
        int at = reader.Position;
        while (reader.TryRead(out var instruction))
        {
            switch (instruction.Kind)
            {
                case CfiInstructionKind.AdvanceLoc or CfiInstructionKind.SetLoc:
                    throw InputFormatException.At(sectionName, (ulong)at, "a CIE's initial instructions cannot advance the location");
                case CfiInstructionKind.Restore:
                    throw InputFormatException.At(sectionName, (ulong)at, "DW_CFA_restore in a CIE has no initial rule to restore");
            }
            if (machine.Apply(instruction) is { } problem)
                throw InputFormatException.At(sectionName, (ulong)at, problem);
            at = reader.Position;
        }
        return machine.Snapshot();
    }

    /// <summary>
    /// Runs an FDE's instructions from <paramref name="initial"/> over [pcBegin, pcEnd).
    /// <paramref name="dataAddress"/> is the address of <paramref name="data"/>[0] (for DW_CFA_set_loc).
    /// </summary>
    public static CfiTable EvaluateProgram(ReadOnlySpan<byte> data, int start, int length, string sectionName,
        CfiEncoding encoding, CfiState initial, ulong pcBegin, ulong pcEnd, ulong dataAddress = 0)
    {
        if (pcEnd < pcBegin)
            throw InputFormatException.At(sectionName, (ulong)start, $"code range [0x{pcBegin:x}, 0x{pcEnd:x}) is inverted");
        var reader = new CfiInstructionReader(data, start, length, sectionName, encoding, dataAddress);
        var machine = new CfiMachine(initial);
        var rows = new TableBuilder(pcBegin, pcEnd, encoding);
        ulong location = pcBegin;
        int at = reader.Position;
        while (reader.TryRead(out var instruction))
        {
            switch (instruction.Kind)
            {
                case CfiInstructionKind.AdvanceLoc:
                    rows.Flush(location, ref machine);
                    if (instruction.Value > ulong.MaxValue - location)
                        throw InputFormatException.At(sectionName, (ulong)at, "advance overflows the address space");
                    location += instruction.Value;
                    break;
                case CfiInstructionKind.SetLoc:
                    if (instruction.Value < location)
                        throw InputFormatException.At(sectionName, (ulong)at, $"DW_CFA_set_loc moves backwards to 0x{instruction.Value:x}");
                    rows.Flush(location, ref machine);
                    location = instruction.Value;
                    break;
                default:
                    if (machine.Apply(instruction) is { } problem)
                        throw InputFormatException.At(sectionName, (ulong)at, problem);
                    break;
            }
            at = reader.Position;
        }
        rows.Flush(location, ref machine);
        return rows.Build(initial);
    }

    /// <summary>Collects rows, interning states so equal states share one index.</summary>
    private sealed class TableBuilder(ulong pcBegin, ulong pcEnd, CfiEncoding encoding)
    {
        private readonly List<CfiRow> _rows = [];
        private readonly List<CfiState> _states = [];
        private readonly Dictionary<CfiState, int> _indexes = [];
        private int _current = -1;
        private bool _pastEnd;

        public void Flush(ulong location, ref CfiMachine machine)
        {
            if (machine.Changed || _current < 0)
            {
                var state = machine.Snapshot();
                if (!_indexes.TryGetValue(state, out _current))
                {
                    _current = _states.Count;
                    _indexes.Add(state, _current);
                    _states.Add(state);
                }
            }
            if (_rows.Count > 0 && _rows[^1].StateIndex == _current)
                return;
            if (location >= pcEnd && _rows.Count > 0)
            {
                _pastEnd = true;
                return;
            }
            if (_rows.Count > 0 && _rows[^1].Address == location)
            {
                // An advance of zero: the later state wins at this address.
                _rows.RemoveAt(_rows.Count - 1);
                if (_rows.Count > 0 && _rows[^1].StateIndex == _current)
                    return;
            }
            _rows.Add(new CfiRow(location, _current));
        }

        public CfiTable Build(CfiState initial)
        {
            // Renumber so that only states some row uses remain (a zero-length row or a change
            // past the end can leave an interned state unused), in order of first use.
            var renumbered = new int[_states.Count];
            Array.Fill(renumbered, -1);
            var states = new List<CfiState>(_states.Count);
            var rows = new CfiRow[_rows.Count];
            for (int i = 0; i < rows.Length; i++)
            {
                int old = _rows[i].StateIndex;
                if (renumbered[old] < 0)
                {
                    renumbered[old] = states.Count;
                    states.Add(_states[old]);
                }
                rows[i] = _rows[i] with { StateIndex = renumbered[old] };
            }
            return new CfiTable(pcBegin, pcEnd, encoding, initial, rows, states.ToArray(), _pastEnd);
        }
    }
}
