/* With lto-lists-b.c, built with clang -flto: two units that name one address table and one
   location-list contribution (tests/lit/debug-update/lto-shared-tables.test). */
#include <stdio.h>
__attribute__((noinline)) int mix_b(int n, int seed);
__attribute__((noinline)) int mix_a(int n, int seed)
{
    int acc = seed, i;
    for (i = 0; i < n; i++) {
        int t = acc * 31 + i;
        acc = (t >> 3) ^ (acc << 1);
        if (acc & 8) acc += mix_b(i & 3, t);
    }
    return acc;
}
int main(int argc, char **argv) { (void)argv; printf("%d\n", mix_a(argc * 100, argc)); return 0; }
