/* Two headers of the same name in different directories (same-name/left/step.h and
 * same-name/right/step.h) give the line table two file entries named "step.h"; DWARF 5 file
 * tables also repeat the primary source file as entries 0 and 1. Code of both headers is inlined
 * into functions the layout moves, so every row of theirs is rewritten. Prints a checksum so
 * layouts can be compared. */
#include <stdio.h>
#include <stdlib.h>
#include "same-name/left/step.h"
#include "same-name/right/step.h"

__attribute__((noinline)) static int walk_left(int x, int steps) {
  for (int i = 0; i < steps && x > 1; i++)
    x = left_step(x);
  return x;
}

__attribute__((noinline)) static int walk_right(int x, int steps) {
  for (int i = 0; i < steps && x > 1; i++)
    x = right_step(x);
  return x;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 50;
  long sum = 0;
  for (int r = 1; r <= rounds; r++)
    sum += walk_left(r, 20) * 7 + walk_right(r, 20);
  printf("checksum %ld\n", sum);
  return 0;
}
