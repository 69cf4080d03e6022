/* Function-pointer identity across code that a profile covers and code it does not.
 *
 *   fnptr train   sorts and dispatches through a callback table (the profiled part)
 *   fnptr all     does the same, then compares function addresses taken in functions the
 *                 training run never entered with those taken in functions it did, in both
 *                 directions, and prints what each comparison found
 *
 * Every function is static, so its address is taken by a `lea` the assembler resolved inside
 * .text: no static relocation names it. A rewriter that moves the profiled functions must point
 * those `lea`s of the functions it leaves in place at the new addresses too, or `p == f` fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*compare_fn)(const void *, const void *);
typedef long (*step_fn)(long);

#define NOINLINE __attribute__((noinline, used))

NOINLINE static int ascending(const void *a, const void *b) {
  long x = *(const long *)a, y = *(const long *)b;
  return (x > y) - (x < y);
}

NOINLINE static int descending(const void *a, const void *b) { return ascending(b, a); }

NOINLINE static long twice(long v) { return 2 * v; }
NOINLINE static long plus_three(long v) { return v + 3; }
NOINLINE static long negate(long v) { return -v; }

/* The callback table: data, so a relocation names each entry. */
static const struct { const char *name; step_fn step; } steps[] = {
    {"twice", twice}, {"plus_three", plus_three}, {"negate", negate},
};
#define STEP_COUNT (sizeof steps / sizeof steps[0])

/* Set by code the training run never enters, read by code it does. */
static compare_fn registered_order;
static step_fn registered_step;

NOINLINE static long run_steps(long v, int rounds) {
  for (int r = 0; r < rounds; r++)
    for (unsigned i = 0; i < STEP_COUNT; i++) {
      v = steps[i].step(v);
      if (v > 1000000 || v < -1000000) v %= 9973;
    }
  return v;
}

NOINLINE static void sort_values(long *values, int n, compare_fn order) {
  qsort(values, (size_t)n, sizeof *values, order);
}

/* Profiled: compares against an address another function stored. */
NOINLINE static const char *registered_name(void) {
  if (registered_order == ascending) return "ascending";
  if (registered_order == descending) return "descending";
  return registered_order ? "some other order" : "none";
}

/* Never run in training: compares table entries (relocated data) with addresses it takes itself. */
NOINLINE static const char *step_name(step_fn step) {
  if (step == twice) return "twice";
  if (step == plus_three) return "plus_three";
  if (step == negate) return "negate";
  return "unknown";
}

/* Never run in training: takes addresses and hands them to profiled code. */
NOINLINE static void register_callbacks(int which) {
  registered_order = which ? descending : ascending;
  registered_step = which ? negate : twice;
}

NOINLINE static int identity_checks(void) {
  int failures = 0;
  for (unsigned i = 0; i < STEP_COUNT; i++) {
    const char *found = step_name(steps[i].step);
    printf("table entry %u (%s) is %s\n", i, steps[i].name, found);
    failures += strcmp(found, steps[i].name) != 0;
  }
  for (int which = 0; which < 2; which++) {
    register_callbacks(which);
    printf("registered order: %s, registered step is %s\n", registered_name(), step_name(registered_step));
    failures += strcmp(registered_name(), which ? "descending" : "ascending") != 0;
    long values[] = {5, -2, 9, 0, 3};
    sort_values(values, 5, registered_order);
    printf("sorted:");
    for (int k = 0; k < 5; k++) printf(" %ld", values[k]);
    printf("\n");
  }
  compare_fn orders[] = {ascending, descending};
  failures += orders[0] == orders[1];
  return failures;
}

int main(int argc, char **argv) {
  int all = argc > 1 && strcmp(argv[1], "all") == 0;
  long values[64];
  for (int i = 0; i < 64; i++) values[i] = (i * 7919) % 101 - 50;
  for (int round = 0; round < 200; round++) {
    sort_values(values, 64, round % 2 ? descending : ascending);
    values[round % 64] = run_steps(values[round % 64], 3);
  }
  printf("after training work: %ld %ld %s\n", values[0], values[63], registered_name());
  if (!all) return 0;
  int failures = identity_checks();
  printf("%d identity failures\n", failures);
  return failures ? 4 : 0;
}
