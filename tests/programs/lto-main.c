/* LTO test program: built with -flto from this file and lto-util.c, so code and DWARF cross the
   units (the debug update must keep such units in one bucket); lto-plain.c is linked in without LTO. */
#include <stdio.h>
#include <stdlib.h>
#include "lto.h"

static int rounds_of(int argc, char **argv) { return argc > 1 ? atoi(argv[1]) : 3; }

int main(int argc, char **argv) {
  int values[100];
  int rounds = rounds_of(argc, argv);
  long total = 0;
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < 100; ++i)
      values[i] = (i * 37 + r * 11) % 251;
    total += accumulate(values, 100);
    if (total % 5 == 0)
      total += lookup(r);
  }
  report("total", total);
  return (int)(total & 3);
}
