# program-harness.sh — sourced by the check-*.sh scripts that rewrite a program and compare runs.
#
#   start_harness NAME WORKDIR    fresh WORKDIR; `fail WHAT` prints "NAME: FAIL: WHAT" and counts
#   run PROGRAM TAG [ARGS...]     runs PROGRAM in WORKDIR with a clean environment, no input and a
#                                 60 s limit; stdout, stderr and exit status go to WORKDIR/TAG.*
start_harness() {
  harness_name=$1
  work=$2
  rm -rf "$work" && mkdir -p "$work"
  failures=0
}
fail() { echo "$harness_name: FAIL: $*"; failures=$((failures + 1)); }
run() {
  (cd "$work" && timeout 60 env -i PATH=/usr/bin:/bin LC_ALL=C "$1" "${@:3}" </dev/null >"$work/$2.out" 2>"$work/$2.err"; echo $? >"$work/$2.status")
}
