/* Unit B: mix_b's DIE comes before its local's; splitting mix_b gives that DIE ranges instead of
 * low_pc/high_pc, so the local's DIE, which unit A's expression names, moves. */
volatile int sink_b;

__attribute__((noinline)) int mix_b(int a, int b) {
  int local = a * 5;
  int *p = &local;
  for (int i = 0; i < b; i++) {
    local += i ^ a;
    if ((local & 7) == 5)
      sink_b = i;
  }
  return *p;
}
