/* cold-paths.c — gcc -O2 moves the paths to calls of cold functions into a `walk.cold` fragment,
 * whose code jumps back into the middle of `walk` when it is done (as in SQLite's
 * sqlite3VdbeExec). Deterministic output; the number of values is the first argument. */
#include <stdio.h>
#include <stdlib.h>

__attribute__((cold, noinline)) static void note(const char *what, long value) { printf("%s %ld\n", what, value); }

__attribute__((noinline)) static long walk(const int *v, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
        int x = v[i];
        if (x < 0) {
            note("negative", x);
            x = -x;
        }
        if (x > 1000) {
            note("large", x);
            x %= 1000;
        }
        switch (x % 5) {
        case 0: sum += x; break;
        case 1: sum -= x; break;
        case 2: sum ^= x; break;
        case 3: sum += 2 * x; break;
        default: sum += 1; break;
        }
    }
    return sum;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 1000;
    int *v = malloc((size_t)n * sizeof *v);
    unsigned s = 12345;
    for (int i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        v[i] = (int)((s >> 16) % 1100) - (i % 97 == 0 ? 2000 : 0);
    }
    printf("sum %ld\n", walk(v, n));
    free(v);
    return 0;
}
