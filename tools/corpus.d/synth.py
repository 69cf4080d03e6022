#!/usr/bin/env python3
"""Generate a synthetic C or C++ program for rewriter tests and benchmarks.

The output is a function of the arguments only: the same arguments give the same
bytes on every run and every Python version (own PRNG, no hashing, no dates).

Every generated function has the shape ``uint64_t uU_fF(uint64_t x, unsigned d)``.
Calls to other functions are guarded by ``d`` and pass ``d - 1``, so any call
graph (cycles included) terminates and the run time stays bounded. All
arithmetic is on unsigned 64-bit values, so behaviour is defined and the
checksum printed by main is the same whatever the compiler or layout; a
rewritten binary must print the same line.

What the shapes are for (they are what a post-link optimizer must handle):
  * switch over a dense range with distinct case bodies -> jump tables
  * loops with rare early exits, if/else chains with rare cold paths -> splitting
  * calls within and across units, calls through const function-pointer tables
    (R_X86_64_64 relocations in .data.rel.ro)
  * C++: templates instantiated with several types (COMDAT code and template
    DIEs), virtual methods (vtables), exceptions thrown through several frames
    and objects with destructors (landing pads, LSDA)
  * --inline: static inline helpers, some nested, for DW_TAG_inlined_subroutine
"""

import argparse
import os
import re
import sys

MASK64 = (1 << 64) - 1

# Types that templates are instantiated with. Arithmetic inside templates is done
# in uint64_t, so small types never promote into signed-int overflow.
TEMPLATE_TYPES = ["uint8_t", "uint16_t", "uint32_t", "uint64_t"]


class Rng:
    """splitmix64: tiny, and identical on every Python version (unlike random)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        return self.u64() % n

    def between(self, lo, hi):  # inclusive
        return lo + self.below(hi - lo + 1)

    def chance(self, percent):
        return self.below(100) < percent

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def const(self):
        return "0x%016XULL" % (self.u64() | 1)

    def shuffled(self, seq):
        out = list(seq)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out


class Program:
    def __init__(self, args):
        self.a = args
        self.cxx = args.lang == "c++"
        self.ext = "cc" if self.cxx else "c"
        self.rng = Rng(args.seed * 0x100000001B3 + 0xC0FFEE)
        self.nunits = args.units
        self.nfuncs = args.functions_per_unit
        self.ntemplates = args.templates if self.cxx else 0
        self.ninline = 8 if args.inline else 0
        # Functions that may throw (C++ only); callers wrap them in try/catch
        # unless they may throw themselves, so exceptions cross several frames.
        self.throws = set()
        if self.cxx:
            for u in range(self.nunits):
                for f in range(self.nfuncs):
                    if self.rng.chance(12):
                        self.throws.add((u, f))
        # Each unit has a table of functions it calls indirectly.
        self.tables = []
        for u in range(self.nunits):
            cands = [f for f in range(self.nfuncs) if (u, f) not in self.throws]
            cands = self.rng.shuffled(cands)[: min(len(cands), 4 + self.rng.below(5))]
            self.tables.append(sorted(cands))
        self.cross = self._plan_cross_calls()
        self.template_uses = self._plan_template_uses()

    # -- naming ------------------------------------------------------------------
    def unit_width(self):
        return max(3, len(str(self.nunits - 1)))

    def fname(self, u, f):
        return "u%d_f%d" % (u, f)

    def unit_file(self, u):
        return "unit_%0*d.%s" % (self.unit_width(), u, self.ext)

    # -- planning (done up front so that every unit sees the same decisions) -----
    def _plan_cross_calls(self):
        """cross[u][f] = list of (u2, f2) callees in other units."""
        cross = [[[] for _ in range(self.nfuncs)] for _ in range(self.nunits)]
        if self.nunits < 2:
            return cross
        for u in range(self.nunits):
            for _ in range(self.a.cross_unit_calls):
                u2 = self.rng.below(self.nunits - 1)
                if u2 >= u:
                    u2 += 1
                cross[u][self.rng.below(self.nfuncs)].append((u2, self.rng.below(self.nfuncs)))
        return cross

    def _plan_template_uses(self):
        """Each template is instantiated with 2..4 types; every (template, type)
        pair is placed in at least one function so all instantiations exist."""
        uses = {}
        self.template_types = []
        for t in range(self.ntemplates):
            k = self.rng.between(2, len(TEMPLATE_TYPES))
            types = sorted(self.rng.shuffled(range(len(TEMPLATE_TYPES)))[:k])
            self.template_types.append([TEMPLATE_TYPES[i] for i in types])
            for ty in self.template_types[t]:
                key = (self.rng.below(self.nunits), self.rng.below(self.nfuncs))
                uses.setdefault(key, []).append((t, ty))
        return uses

    # -- files -------------------------------------------------------------------
    def header_comment(self):
        a = self.a
        return (
            "/* Generated by tools/corpus synth: lang=%s units=%d functions-per-unit=%d "
            "templates=%d inline=%s cross-unit-calls=%d seed=%d iterations=%d.\n"
            "   Do not edit; regenerate instead. */\n"
            % (a.lang, a.units, a.functions_per_unit, self.ntemplates,
               "yes" if a.inline else "no", a.cross_unit_calls, a.seed, a.iterations)
        )

    def files(self):
        out = {}
        out["synth.h"] = self.gen_common_header()
        if self.ninline:
            out["synth_inline.h"] = self.gen_inline_header()
        if self.ntemplates:
            out["synth_templates.h"] = self.gen_templates_header()
        for u in range(self.nunits):
            out[self.unit_file(u)] = self.gen_unit(u)
        out["main." + self.ext] = self.gen_main()
        out["Makefile"] = self.gen_makefile(out)
        return out

    def gen_common_header(self):
        L = [self.header_comment(), "#ifndef SYNTH_H", "#define SYNTH_H", ""]
        L.append("#include <stdint.h>")
        L.append("")
        if self.cxx:
            L += [
                "namespace synth {",
                "// Thrown by functions marked 'may throw'; caught by their callers.",
                "struct Error {",
                "    uint64_t code;",
                "    explicit Error(uint64_t c) : code(c) {}",
                "};",
                "extern uint64_t scope_count;",
                "// A destructor that must run during unwinding (cleanup landing pads).",
                "struct Scope {",
                "    uint64_t tag;",
                "    explicit Scope(uint64_t t) : tag(t) {}",
                "    ~Scope() { scope_count += (tag & 0xff) + 1; }",
                "};",
                "}  // namespace synth",
                "",
            ]
        L.append("typedef uint64_t (*synth_fn)(uint64_t, unsigned);")
        L.append("")
        for u in range(self.nunits):
            L.append("uint64_t unit%d_run(uint64_t seed, unsigned iters);" % u)
            for f in range(self.nfuncs):
                L.append("uint64_t %s(uint64_t x, unsigned d);" % self.fname(u, f))
        L += ["", "#endif", ""]
        return "\n".join(L)

    def gen_inline_header(self):
        r = self.rng
        L = [self.header_comment(), "#ifndef SYNTH_INLINE_H", "#define SYNTH_INLINE_H", "",
             '#include "synth.h"', ""]
        for i in range(self.ninline):
            attr = "__attribute__((always_inline)) " if i % 4 == 0 else ""
            L.append("static inline %suint64_t inl_%d(uint64_t v, uint64_t k) {" % (attr, i))
            if i >= 2 and i % 2 == 1:
                # Nested inlining: an inlined helper that calls another one.
                L.append("    v = inl_%d(v ^ %s, k);" % (i - 1 - r.below(i - 1), r.const()))
            L.append("    if ((v & %s) != 0)" % hex(1 << r.below(16)))
            L.append("        v = (v << %d) | (v >> %d);" % ((s := r.between(1, 63)), 64 - s))
            L.append("    else")
            L.append("        v ^= k * %s;" % r.const())
            L.append("    return v + (k >> %d);" % r.between(1, 40))
            L.append("}")
            L.append("")
        L += ["#endif", ""]
        return "\n".join(L)

    def gen_templates_header(self):
        r = self.rng
        L = [self.header_comment(), "#ifndef SYNTH_TEMPLATES_H", "#define SYNTH_TEMPLATES_H", "",
             '#include "synth.h"', "", "namespace synth {", ""]
        for t in range(self.ntemplates):
            kind = t % 3
            if kind == 0:
                # Function template with a loop whose trip count depends on sizeof(T).
                L += [
                    "template <typename T>",
                    "T tmpl%d(T a, uint64_t k) {" % t,
                    "    uint64_t w = (uint64_t)a ^ k;",
                    "    for (unsigned i = 0; i < sizeof(T) * 2 + (unsigned)(k & 3); ++i) {",
                    "        if (w & 1)",
                    "            w = w * %s + i;" % r.const(),
                    "        else",
                    "            w = (w >> 1) ^ %s;" % r.const(),
                    "    }",
                    "    return (T)(w ^ (w >> (sizeof(T) * 4)));",
                    "}",
                    "",
                ]
            elif kind == 1:
                # Class template hierarchy with virtual methods (vtables, indirect calls).
                L += [
                    "template <typename T>",
                    "struct Op%d {" % t,
                    "    virtual ~Op%d() {}" % t,
                    "    virtual T apply(T v, uint64_t k) const { return (T)((uint64_t)v * %s + k); }" % r.const(),
                    "};",
                    "template <typename T>",
                    "struct Op%dX : Op%d<T> {" % (t, t),
                    "    T apply(T v, uint64_t k) const override { return (T)(((uint64_t)v << %d) ^ k ^ %s); }"
                    % (r.between(1, 7), r.const()),
                    "};",
                    "template <typename T>",
                    "struct Op%dY : Op%d<T> {" % (t, t),
                    "    T apply(T v, uint64_t k) const override { return (T)((uint64_t)v - (k >> %d)); }"
                    % r.between(1, 31),
                    "};",
                    "template <typename T>",
                    "T tmpl%d(T a, uint64_t k) {" % t,
                    "    static const Op%d<T> base{};" % t,
                    "    static const Op%dX<T> x{};" % t,
                    "    static const Op%dY<T> y{};" % t,
                    "    static const Op%d<T> *const ops[3] = {&base, &x, &y};" % t,
                    "    T v = a;",
                    "    for (unsigned i = 0; i < 3; ++i)",
                    "        v = ops[(k + i) % 3]->apply(v, k + i);",
                    "    return v;",
                    "}",
                    "",
                ]
            else:
                # Class template with a non-type parameter and member functions.
                n = r.between(3, 9)
                L += [
                    "template <typename T, unsigned N = %d>" % n,
                    "struct Ring%d {" % t,
                    "    T buf[N];",
                    "    unsigned pos = 0;",
                    "    Ring%d() { for (unsigned i = 0; i < N; ++i) buf[i] = (T)(i * %s); }" % (t, r.const()),
                    "    void push(T v) { buf[pos] = (T)(buf[pos] ^ v); pos = (pos + 1) % N; }",
                    "    uint64_t sum() const {",
                    "        uint64_t s = 0;",
                    "        for (unsigned i = 0; i < N; ++i) s = s * 31 + buf[i];",
                    "        return s;",
                    "    }",
                    "};",
                    "template <typename T>",
                    "T tmpl%d(T a, uint64_t k) {" % t,
                    "    Ring%d<T> ring;" % t,
                    "    for (unsigned i = 0; i < (unsigned)(k & 7) + 2; ++i)",
                    "        ring.push((T)((uint64_t)a + i * k));",
                    "    return (T)ring.sum();",
                    "}",
                    "",
                ]
        L += ["}  // namespace synth", "", "#endif", ""]
        return "\n".join(L)

    # -- function bodies ---------------------------------------------------------
    def call_expr(self, u, f, callee, arg):
        """A guarded direct call; calls to throwing callees get a try/catch unless
        the caller may throw too (then the exception propagates further up)."""
        cu, cf = callee
        call = "%s(%s, d - 1)" % (self.fname(cu, cf), arg)
        if callee in self.throws and (u, f) not in self.throws:
            return [
                "if (d) {",
                "    try {",
                "        acc += %s;" % call,
                "    } catch (const synth::Error &e) {",
                "        acc ^= e.code;",
                "    }",
                "}",
            ]
        return ["if (d)", "    acc += %s;" % call]

    def stmt_switch(self, u, f, local_callees):
        r = self.rng
        n = r.between(5, 12)
        L = ["switch ((unsigned)(acc %% %d)) {" % n]
        for c in range(n):
            L.append("case %d:" % c)
            op = r.below(7)
            if op == 0:
                L.append("    acc = acc * %s + (acc >> %d);" % (r.const(), r.between(1, 40)))
            elif op == 1:
                s = r.between(1, 63)
                L.append("    acc ^= (acc << %d) | (acc >> %d);" % (s, 64 - s))
            elif op == 2:
                L.append("    acc += k[%d] ^ (acc >> %d);" % (r.below(16), r.between(1, 20)))
            elif op == 3 and local_callees:
                L += ["    " + s for s in self.call_expr(u, f, r.choice(local_callees), "acc ^ %s" % r.const())]
            elif op == 4:
                L.append("    acc = (acc & %s) | ((acc * %d) >> 3);" % (r.const(), r.between(3, 99)))
            elif op == 5 and c + 1 < n:
                # Fall through into the next case on purpose.
                L.append("    acc -= %s;" % r.const())
                L.append("    /* fall through */")
                continue
            else:
                L.append("    acc = ~acc + %d;" % r.between(1, 1000))
            L.append("    break;")
        L.append("default:")
        L.append("    acc = 0;  /* unreachable */")
        L.append("    break;")
        L.append("}")
        return L

    def stmt_loop(self, u, f):
        r = self.rng
        L = [
            "for (unsigned i = 0; i < (unsigned)(acc & %d) + %d; ++i) {" % (r.choice([3, 7, 15]), r.between(1, 4)),
            "    if ((acc >> (i & 31)) & 1)",
            "        acc = acc * %s + i;" % r.const(),
            "    else",
            "        acc ^= acc >> %d;" % r.between(1, 13),
            "    if (acc %% %d == %d)  /* rare early exit */" % ((p := r.choice([97, 131, 257, 509])), r.below(p)),
            "        break;",
        ]
        if r.chance(30):
            L += [
                "    for (unsigned j = 0; j < (i & 3); ++j) {",
                "        if ((acc ^ j) & 4)",
                "            continue;",
                "        acc += k[(i + j) & 15];",
                "    }",
            ]
        L.append("}")
        return L

    def stmt_branches(self, u, f):
        r = self.rng
        p = r.choice([211, 307, 401, 1009])
        return [
            "if (acc & %s) {" % hex(1 << r.below(20)),
            "    acc += %s;" % r.const(),
            "} else if (acc %% %d == %d) {  /* cold */" % (p, r.below(p)),
            "    acc = (acc * %s) ^ k[%d];" % (r.const(), r.below(16)),
            "    acc ^= acc >> %d;" % r.between(20, 40),
            "} else {",
            "    acc -= acc >> %d;" % r.between(1, 9),
            "}",
        ]

    def stmt_while(self, u, f):
        r = self.rng
        return [
            "{",
            "    uint64_t n = (acc >> %d) & %d;" % (r.between(1, 50), r.choice([7, 15])),
            "    while (n--) {",
            "        if (n & 1)",
            "            continue;",
            "        acc = (acc ^ k[n & 15]) * %s;" % r.const(),
            "    }",
            "}",
        ]

    def stmt_indirect(self, u, f):
        return [
            "if (d)",
            "    acc ^= unit%d_table[acc %% %d](acc, d - 1);" % (u, len(self.tables[u])),
        ]

    def stmt_inline(self, u, f):
        r = self.rng
        return ["acc = inl_%d(acc, %s);" % (r.below(self.ninline), r.const())]

    def stmt_template(self, t, ty):
        return ["acc += (uint64_t)synth::tmpl%d<%s>((%s)acc, acc >> %d);" % (t, ty, ty, self.rng.between(1, 30))]

    def gen_function(self, u, f):
        r = self.rng
        name = self.fname(u, f)
        throws = (u, f) in self.throws
        local = [(u, g) for g in range(self.nfuncs) if g != f]
        local_callees = r.shuffled(local)[: min(len(local), r.below(3))]
        body = []
        if throws:
            body.append("synth::Scope scope(x);")
        kinds = ["switch", "loop", "branches", "while", "loop", "branches"]
        for _ in range(r.between(2, 5)):
            kind = r.choice(kinds)
            if kind == "switch":
                body += self.stmt_switch(u, f, local_callees)
            elif kind == "loop":
                body += self.stmt_loop(u, f)
            elif kind == "branches":
                body += self.stmt_branches(u, f)
            else:
                body += self.stmt_while(u, f)
            if self.ninline and r.chance(35):
                body += self.stmt_inline(u, f)
            if self.ntemplates and r.chance(15):
                t = r.below(self.ntemplates)
                body += self.stmt_template(t, r.choice(self.template_types[t]))
        for (t, ty) in self.template_uses.get((u, f), []):
            body += self.stmt_template(t, ty)
        for callee in local_callees:
            if r.chance(50):
                body += self.call_expr(u, f, callee, "acc + %d" % r.between(1, 99))
        for callee in self.cross[u][f]:
            body += self.call_expr(u, f, callee, "acc ^ %s" % r.const())
        if r.chance(25):
            body += self.stmt_indirect(u, f)
        if throws:
            p = r.choice([53, 61, 89])
            body += [
                "if (acc %% %d == %d)  /* rare: unwinds through the callers */" % (p, r.below(p)),
                "    throw synth::Error(acc);",
            ]
        L = ["uint64_t %s(uint64_t x, unsigned d) {" % name,
             "    uint64_t acc = x ^ %s;" % r.const(),
             "    (void)d;  /* not every function calls others */"]
        L += ["    " + s for s in body]
        L += ["    return acc;", "}", ""]
        return L

    def gen_unit(self, u):
        r = self.rng
        L = [self.header_comment(), '#include "synth.h"']
        if self.ninline:
            L.append('#include "synth_inline.h"')
        if self.ntemplates:
            L.append('#include "synth_templates.h"')
        L.append("")
        L.append("static const uint64_t k[16] = {")
        for i in range(0, 16, 4):
            L.append("    " + ", ".join(r.const() for _ in range(4)) + ",")
        L.append("};")
        L.append("")
        # Forward-declared because functions of this unit call through it.
        L.append("extern synth_fn const unit%d_table[%d];" % (u, len(self.tables[u])))
        L.append("")
        for f in range(self.nfuncs):
            L += self.gen_function(u, f)
        # Defined after the functions; const pointers -> .data.rel.ro + relocations.
        L.append("synth_fn const unit%d_table[%d] = {" % (u, len(self.tables[u])))
        for f in self.tables[u]:
            L.append("    %s," % self.fname(u, f))
        L.append("};")
        L.append("")
        L += self.gen_run(u)
        return "\n".join(L)

    def gen_run(self, u):
        """unitN_run calls every function of the unit with skewed frequencies:
        a few hot ones many times per iteration, some only every 16th iteration
        (all of them at iteration 0, so every function runs at least once)."""
        r = self.rng
        L = ["uint64_t unit%d_run(uint64_t seed, unsigned iters) {" % u,
             "    uint64_t acc = seed;",
             "    for (unsigned it = 0; it < iters; ++it) {"]
        for f in range(self.nfuncs):
            depth = r.between(1, 2)
            call = "%s(acc + it, %d)" % (self.fname(u, f), depth)
            if (u, f) in self.throws:
                stmt = ["try {", "    acc ^= %s;" % call, "} catch (const synth::Error &e) {",
                        "    acc += e.code;", "}"]
            else:
                stmt = ["acc ^= %s;" % call]
            roll = r.below(10)
            if roll == 0:
                reps = r.between(4, 12)
                L.append("        for (unsigned rep = 0; rep < %d; ++rep) {  /* hot */" % reps)
                L += ["            " + s for s in stmt]
                L.append("        }")
            elif roll <= 3:
                L.append("        if ((it & 15) == 0) {  /* cool */")
                L += ["            " + s for s in stmt]
                L.append("        }")
            else:
                L += ["        " + s for s in stmt]
        L += ["    }", "    return acc;", "}", ""]
        return L

    def gen_main(self):
        L = [self.header_comment()]
        if self.cxx:
            L += ["#include <cstdio>", "#include <cstdlib>"]
        else:
            L += ["#include <stdio.h>", "#include <stdlib.h>"]
        L += ['#include "synth.h"', ""]
        if self.cxx:
            L += ["uint64_t synth::scope_count = 0;", ""]
        L += [
            "static uint64_t mix(uint64_t a, uint64_t b) {",
            "    a ^= b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2);",
            "    return a * 0xBF58476D1CE4E5B9ULL;",
            "}",
            "",
            "/* usage: prog [ITERATIONS]  (default %d); prints one checksum line. */" % self.a.iterations,
            "int main(int argc, char **argv) {",
            "    unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : %du;" % self.a.iterations,
            "    uint64_t sum = %s;" % self.rng.const(),
        ]
        for u in range(self.nunits):
            L.append("    sum = mix(sum, unit%d_run(sum, iters));" % u)
        if self.cxx:
            L.append("    sum = mix(sum, synth::scope_count);")
        L += [
            '    printf("checksum %016llx\\n", (unsigned long long)sum);',
            "    return 0;",
            "}",
            "",
        ]
        return "\n".join(L)

    def gen_makefile(self, files):
        srcs = sorted(n for n in files if n.endswith("." + self.ext))
        headers = sorted(n for n in files if n.endswith(".h"))
        default_cc = "clang++-22" if self.cxx else "clang-22"
        objs = [s[: -len(self.ext)] + "o" for s in srcs]
        L = [
            "# " + self.header_comment().strip().replace("\n", "\n# "),
            "# tools/corpus synth --build passes COMPILER, CFLAGS and LDFLAGS explicitly.",
            "COMPILER ?= %s" % default_cc,
            "CFLAGS ?= -O2 -g",
            "LDFLAGS ?= -Wl,--emit-relocs -fuse-ld=lld",
            "",
            "OBJS = \\",
        ]
        L += ["\t%s \\" % o for o in objs]
        L += [
            "",
            "prog: $(OBJS)",
            "\t$(COMPILER) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS)",
            "",
            "%%.o: %%.%s %s" % (self.ext, " ".join(headers)),
            "\t$(COMPILER) $(CFLAGS) -c -o $@ $<",
            "",
            "clean:",
            "\trm -f prog prog.out $(OBJS)",
            "",
            ".PHONY: clean",
            "",
        ]
        return "\n".join(L)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", required=True)
    p.add_argument("--units", type=int, default=4)
    p.add_argument("--functions-per-unit", type=int, default=10)
    p.add_argument("--templates", type=int, default=None)
    p.add_argument("--inline", action="store_true")
    p.add_argument("--cross-unit-calls", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lang", choices=["c", "c++"], default="c++")
    p.add_argument("--iterations", type=int, default=20)
    a = p.parse_args()
    if a.units < 1 or a.functions_per_unit < 1:
        p.error("--units and --functions-per-unit must be at least 1")
    if a.cross_unit_calls < 0 or a.seed < 0 or a.iterations < 0:
        p.error("--cross-unit-calls, --seed and --iterations must not be negative")
    if a.templates is not None and a.templates > 0 and a.lang == "c":
        print("synth: note: --templates is ignored for --lang c", file=sys.stderr)
    if a.templates is None:
        a.templates = 3
    if a.templates < 0:
        p.error("--templates must not be negative")

    files = Program(a).files()
    os.makedirs(a.out, exist_ok=True)
    # Remove files of an earlier generation (extra units, objects, a stale prog)
    # so the directory matches these sources; only names we produce are touched.
    ours = re.compile(r"^(unit_\d+\.(c|cc|o)|main\.(c|cc|o)|synth(_inline|_templates)?\.h"
                      r"|prog|prog\.out|build\.sh)$")
    for name in sorted(os.listdir(a.out)):
        if ours.match(name) and name not in files:
            os.remove(os.path.join(a.out, name))
    for name, text in sorted(files.items()):
        with open(os.path.join(a.out, name), "w", newline="\n") as fh:
            fh.write(text)
    print("synth: wrote %d files to %s" % (len(files), a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
