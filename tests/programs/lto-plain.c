/* Part of the LTO test program (lto-main.c), compiled without -flto: a unit no other unit refers
   to, so the debug update puts it in a bucket of its own beside the LTO units' shared one. */
#include <stdio.h>
#include "lto.h"

void report(const char *what, long value) {
  if (value < 0)
    printf("%s: negative %ld\n", what, -value);
  else
    printf("%s: %ld\n", what, value);
}
