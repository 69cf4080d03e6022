/* The second unit of lto-lists-a.c. */
__attribute__((noinline)) int mix_b(int n, int seed)
{
    int acc = seed, i;
    for (i = 0; i < n; i++) {
        int t = acc * 17 + i;
        acc = (t >> 2) ^ (acc << 3);
    }
    return acc + n;
}
