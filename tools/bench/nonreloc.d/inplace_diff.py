#!/usr/bin/env python3
"""Which functions two non-relocation rewrites changed in place, compared function by function.

    inplace_diff.py INPUT OURS BOLT [FDATA]

A function counts as rewritten in place by a tool when the bytes of its symbol's range in the
tool's output differ from the input's. A rewritten function is further "re-encoded only" when
its instructions, nops left out and branch sizes ignored, are the input's in the same order and
it has no cold fragment (`NAME.cold.N`): the layout did not change, only the encoding (llvm-bolt
re-emits every function it processes, dropping alignment nops and lengthening branches that
leave the function). Prints the counts for both tools and the functions only one of them rewrote;
with the profile (FDATA), each of those with how often it was entered and how many branch records
lie inside it: a function entered but without records inside is one whose profile lost its
fall-throughs (llvm-bolt-22's instrumentation after a conditional tail call), so a tool that
takes the records literally sends the code that ran to the cold fragment.
"""
import re
import subprocess
import sys


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def text_section(path):
    for line in run('llvm-readelf-22', '-S', '-W', path).splitlines():
        m = re.match(r'\s*\[\s*\d+\]\s+\.text\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)', line)
        if m:
            return tuple(int(g, 16) for g in m.groups())  # address, offset, size
    raise SystemExit(f'{path}: no .text section')


def functions(path):
    """(address, name) -> size of the defined function symbols."""
    found = {}
    for line in run('llvm-nm-22', '-S', '--defined-only', path).splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in 'tT' and int(parts[1], 16) > 0:
            found[(int(parts[0], 16), parts[3])] = int(parts[1], 16)
    return found


def changed(input_bytes, input_text, output_path, symbols):
    address, offset, size = input_text
    out_address, out_offset, _ = text_section(output_path)
    if out_address != address:
        raise SystemExit(f'{output_path}: .text moved (0x{out_address:x}, input 0x{address:x})')
    output = open(output_path, 'rb').read()
    names = set()
    for (start, name), length in symbols.items():
        if address <= start and start + length <= address + size:
            at = start - address
            if input_bytes[offset + at:offset + at + length] != output[out_offset + at:out_offset + at + length]:
                names.add(name)
    return names


def listings(path):
    """Function name -> its instructions, from one disassembly of the whole file: nops and int3
    left out, branch targets named by symbol only (their offsets move with the encoding)."""
    result, current = {}, None
    for line in run('llvm-objdump-22', '-d', '--no-show-raw-insn', '--no-leading-addr', path).splitlines():
        line = line.strip()
        header = re.match(r'<(.+)>:$', line)
        if header:
            current = result.setdefault(header.group(1), [])
        elif current is not None and line and not line.startswith(('nop', 'int3', 'Disassembly')):
            current.append(re.sub(r'0x[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>', r'<\1>', line))
    return result


def profile_evidence(path):
    """Function name -> [times entered, branch records inside it], from an .fdata (branch lines;
    local names `name/N` or `name/file/N` count as `name`)."""
    evidence = {}
    for line in open(path):
        parts = line.split()
        if len(parts) != 8 or parts[0] == '0' or parts[3] == '0':
            continue
        source, target = parts[1].split('/')[0], parts[4].split('/')[0]
        if source == target and parts[5] != '0':
            evidence.setdefault(target, [0, 0])[1] += 1
        elif parts[5] == '0':
            evidence.setdefault(target, [0, 0])[0] += int(parts[7])
    return evidence


def main():
    input_path, ours_path, bolt_path = sys.argv[1:4]
    evidence = profile_evidence(sys.argv[4]) if len(sys.argv) > 4 else None
    input_bytes = open(input_path, 'rb').read()
    input_text = text_section(input_path)
    symbols = functions(input_path)
    input_listing = listings(input_path)
    result = {}
    for tool, path in (('rewriter', ours_path), ('llvm-bolt-22', bolt_path)):
        names = changed(input_bytes, input_text, path, symbols)
        listing = listings(path)
        encoding = {n for n in names if f'{n}.cold.0' not in listing and listing.get(n) == input_listing.get(n)}
        result[tool], result[tool + ' encoding'] = names, encoding
        print(f'  {tool:13s} {len(names):5d} functions changed in place: {len(names) - len(encoding)} with a new layout, '
              f'{len(encoding)} re-encoded only (same instructions and order)')
    for tool, other in (('rewriter', 'llvm-bolt-22'), ('llvm-bolt-22', 'rewriter')):
        only = sorted(result[tool] - result[other])
        marked = [n + (' (re-encoded only)' if n in result[tool + ' encoding'] else '')
                  + (' (entered {}, {} branch records inside)'.format(*evidence.get(n, [0, 0])) if evidence is not None else '')
                  for n in only]
        print(f'  only {tool}: {len(only)}' + (': ' + ', '.join(marked) if marked else ''))


if __name__ == '__main__':
    main()
