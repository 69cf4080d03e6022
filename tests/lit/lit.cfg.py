# -*- Python -*-
# lit configuration for the end-to-end tests of `rewriter`.
#
#   lit-22 -sv tests/lit            (or /usr/lib/llvm-22/bin/lit -sv tests/lit)
#
# Layout:
#   identity/   build a test program (tests/programs) in one configuration of the
#               build matrix and check that identity rewrites behave exactly like it
#   errors/     malformed or unusable inputs: one message class per test
#   cli/        --version, --help, usage errors
#   debug/      gdb smoke test on a rewritten binary
#   debug-update/  --update-debug-sections on every test program and layout: behaviour,
#               llvm-dwarfdump --verify, verify-debug, gdb/lldb sessions, determinism
#   harness/    self-tests proving that Inputs/check-identity.sh can fail
#   layout/     code layouts (reverse, shuffles, ext-tsp, splitting, function orders) keep
#               each test program's behaviour (Inputs/check-layouts.sh)
#   analysis/   --print-cfg, --dyno-stats (against llvm-bolt: %bolt, feature "bolt"), profiles
#
# Missing tools turn into UNSUPPORTED through `REQUIRES:` features, never into
# failures; on the reference machine (Debian 12 + LLVM 22 + gcc 12) all run.

import os
import shutil
import subprocess
import tempfile

import lit.formats
import lit.util

config.name = "rewriter"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".test"]
config.excludes = ["Inputs", "Output"]
config.test_source_root = os.path.dirname(os.path.abspath(__file__))
config.test_exec_root = os.path.join(config.test_source_root, "Output")

repo_root = os.path.abspath(os.path.join(config.test_source_root, "..", ".."))
programs_dir = os.path.join(repo_root, "tests", "programs")
inputs_dir = os.path.join(config.test_source_root, "Inputs")
llvm_bin = "/usr/lib/llvm-22/bin"


def find_tool(*names):
    """First of `names` found on PATH or in the LLVM 22 bin directory."""
    for name in names:
        for path in (None, llvm_bin):
            found = shutil.which(name, path=path) if path else shutil.which(name)
            if found:
                return found
    return None


# ---- environment -----------------------------------------------------------
path = os.environ.get("PATH", "/usr/bin:/bin")
config.environment["PATH"] = os.pathsep.join([llvm_bin, path])
for var in ("HOME", "TMPDIR", "DOTNET_ROOT", "DOTNET_CLI_HOME", "NUGET_PACKAGES"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
config.environment["LC_ALL"] = "C"
# The .NET launcher must not print first-run banners into test output.
config.environment["DOTNET_NOLOGO"] = "1"
config.environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
config.environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1"

# `--param rewriter=PATH` runs the suite against another executable (for
# example Inputs/fake-rewriter.py to exercise the harness); default tools/rewriter.
rewriter = os.path.abspath(lit_config.params.get("rewriter", os.path.join(repo_root, "tools", "rewriter")))
clang = find_tool("clang-22", "clang")
clangxx = find_tool("clang++-22", "clang++")
gcc = find_tool("gcc")
gxx = find_tool("g++")
readelf = find_tool("llvm-readelf-22", "llvm-readelf")
objdump = find_tool("llvm-objdump-22", "llvm-objdump")
dwarfdump = find_tool("llvm-dwarfdump-22", "llvm-dwarfdump")
python = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else find_tool("python3")
gdb = find_tool("gdb")
bolt = find_tool("llvm-bolt-22", "llvm-bolt")

config.environment["RW_REWRITER"] = rewriter
# tools/check-debug-update runs the debug-update tests with every layout mode.
if os.environ.get("RW_DEBUG_UPDATE_FULL"):
    config.environment["RW_DEBUG_UPDATE_FULL"] = "1"
    config.available_features.add("debug-update-full")
config.environment["RW_READELF"] = readelf or "llvm-readelf-22"
config.environment["RW_DWARFDUMP"] = dwarfdump or "llvm-dwarfdump-22"

# ---- substitutions ---------------------------------------------------------
# Longer names first: lit applies substitutions in order, and %clangxx must not
# be eaten by %clang.
config.substitutions.append(("%check-identity", "bash " + os.path.join(inputs_dir, "check-identity.sh")))
config.substitutions.append(("%check-layouts", "bash " + os.path.join(inputs_dir, "check-layouts.sh")))
config.substitutions.append(("%check-debug-update", "bash " + os.path.join(inputs_dir, "check-debug-update.sh")))
config.substitutions.append(("%elfpatch", (python or "python3") + " " + os.path.join(inputs_dir, "elfpatch.py")))
config.substitutions.append(("%rewriter", rewriter))
config.substitutions.append(("%clangxx", clangxx or "clang++-22"))
config.substitutions.append(("%clang", clang or "clang-22"))
config.substitutions.append(("%gxx", gxx or "g++"))
config.substitutions.append(("%gcc", gcc or "gcc"))
config.substitutions.append(("%dwarfdump", dwarfdump or "llvm-dwarfdump-22"))
config.substitutions.append(("%readelf", readelf or "llvm-readelf-22"))
config.substitutions.append(("%objdump", objdump or "llvm-objdump-22"))
config.substitutions.append(("%programs", programs_dir))
config.substitutions.append(("%inputs", inputs_dir))
config.substitutions.append(("%python", python or "python3"))
config.substitutions.append(("%gdb", gdb or "gdb"))
config.substitutions.append(("%bolt", bolt or "llvm-bolt-22"))

# ---- features --------------------------------------------------------------
probe_dir = tempfile.mkdtemp(prefix="rewriter-lit-probe-")


def compiles(compiler, source, lang, *flags):
    """True if `compiler` builds `source` with `flags` and the result runs."""
    if not compiler:
        return False
    src = os.path.join(probe_dir, "probe." + lang)
    exe = os.path.join(probe_dir, "probe.out")
    with open(src, "w") as f:
        f.write(source)
    try:
        subprocess.run([compiler, *flags, src, "-o", exe], check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if "-c" not in flags and "-nostdlib" not in flags:
            subprocess.run([exe], check=True, timeout=60,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return True
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        if os.path.exists(exe):
            os.remove(exe)


c_main = "#include <stdio.h>\nint main(void){puts(\"ok\");return 0;}\n"
cxx_main = ("#include <stdexcept>\n#include <cstdio>\n"
            "int main(){try{throw std::runtime_error(\"x\");}"
            "catch(const std::exception&e){std::puts(e.what());}return 0;}\n")
freestanding = "int f(int x){return x+1;}\nvoid _start(void){for(;;){}}\n"

if clang and compiles(clang, c_main, "c"):
    config.available_features.add("clang")
if clangxx and compiles(clangxx, cxx_main, "cpp"):
    config.available_features.add("clangxx")
if gcc and compiles(gcc, c_main, "c"):
    config.available_features.add("gcc")
if gxx and compiles(gxx, cxx_main, "cpp"):
    config.available_features.add("gxx")
if compiles(clang, c_main, "c", "-static") and compiles(gcc, c_main, "c", "-static"):
    config.available_features.add("static-libc")
if compiles(clangxx, cxx_main, "cpp", "-static") and compiles(gxx, cxx_main, "cpp", "-static"):
    config.available_features.add("static-libstdcxx")
if compiles(gcc, c_main, "c", "-static-pie", "-fPIE"):
    config.available_features.add("static-pie")
if compiles(clang, c_main, "c", "-fuse-ld=lld"):
    config.available_features.add("lld")
if compiles(clang, freestanding, "c", "--target=aarch64-linux-gnu", "-c"):
    config.available_features.add("target-aarch64")
if compiles(clang, freestanding, "c", "--target=i386-linux-gnu", "-nostdlib",
            "-static", "-fuse-ld=lld"):
    config.available_features.add("target-i386")
if gdb:
    config.available_features.add("gdb")
if find_tool("lldb-22", "lldb"):
    config.available_features.add("lldb")
if bolt:
    config.available_features.add("bolt")
if python:
    config.available_features.add("python3")
if dwarfdump and readelf and objdump:
    config.available_features.add("llvm-tools")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    config.available_features.add("root")
else:
    config.available_features.add("non-root")
shutil.rmtree(probe_dir, ignore_errors=True)

# ---- the rewriter itself ---------------------------------------------------
# tools/rewriter builds on demand.  Build it once here, serially, so that the
# parallel tests do not all start a `dotnet build` at the same time.
if os.access(rewriter, os.X_OK):
    try:
        result = subprocess.run([rewriter, "--version"], timeout=1800,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env={**os.environ, **config.environment})
        if result.returncode != 0:
            lit_config.warning("`%s --version` failed (exit %d):\n%s" % (
                rewriter, result.returncode, result.stdout.decode(errors="replace")[-2000:]))
    except (OSError, subprocess.SubprocessError) as e:
        lit_config.warning("could not run `%s --version`: %s" % (rewriter, e))
else:
    lit_config.warning("%s is missing or not executable; every test that runs it will fail" % rewriter)
