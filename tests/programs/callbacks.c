/* callbacks.c — a sort that reaches its comparison functions only through a pointer, beside
 * helpers main calls directly: the indirect call is the only call-graph arc between the sort and
 * its callbacks, so a function order that sees it puts them side by side. Deterministic output. */
#include <stdio.h>
#include <stdlib.h>

typedef int (*compare_fn)(int, int);

__attribute__((noinline)) static int ascending(int a, int b) { return (a > b) - (a < b); }
__attribute__((noinline)) static int descending(int a, int b) { return (b > a) - (b < a); }
static compare_fn volatile orders[] = { ascending, descending };

__attribute__((noinline)) static void insertion_sort(int *v, int n, compare_fn compare) {
    for (int i = 1; i < n; i++) {
        int x = v[i], j = i - 1;
        while (j >= 0 && compare(v[j], x) > 0) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

__attribute__((noinline)) static unsigned mix(unsigned x) {
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    return x;
}

__attribute__((noinline)) static unsigned fold(unsigned h, unsigned x) { return h * 31 + x; }

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 20;
    unsigned h = 0;
    int v[200];
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < 200; i++)
            v[i] = (int)(mix((unsigned)(r * 200 + i)) % 1000);
        insertion_sort(v, 200, orders[r & 1]);
        for (int i = 0; i < 200; i++)
            h = fold(h, (unsigned)v[i]);
    }
    printf("hash %u\n", h);
    return 0;
}
