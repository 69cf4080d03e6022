/* The code of base-types.s (clang-22 -O1 -g0 -S); its debug information is written by hand
 * there. narrow has a rarely taken branch, so splitting moves part of it to a cold fragment. */
#include <stdio.h>

__attribute__((noinline)) static unsigned narrow(unsigned x) {
  if (x > 100000)
    puts("large");
  return (x * 7) & 0xff;
}

int main(int argc, char **argv) {
  (void)argv;
  unsigned sum = 0;
  for (unsigned i = 0; i < 50 + (unsigned)argc; i++)
    sum += narrow(i * 31);
  printf("checksum %u\n", sum);
  return 0;
}
