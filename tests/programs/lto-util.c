/* Part of the LTO test program (lto-main.c): small functions LTO inlines into the other unit, so
   the other unit's inlined_subroutine DIEs name their abstract origins here (DW_FORM_ref_addr). */
#include "lto.h"

static int table[64];

int scale(int x, int factor) {
  int y = x * factor;
  if (y > 1000)
    y = y % 997;
  return y;
}

int lookup(int key) {
  int slot = (unsigned)key % 64;
  if (table[slot] == 0)
    table[slot] = scale(key, 3) + 1;
  return table[slot];
}

long accumulate(const int *values, int count) {
  long sum = 0;
  for (int i = 0; i < count; ++i) {
    int v = values[i];
    if (v & 1)
      sum += lookup(v);
    else
      sum -= scale(v, 2);
  }
  return sum;
}
