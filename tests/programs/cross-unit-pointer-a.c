/* Unit A of a pair whose DWARF has an expression operand naming another unit's DIE: gcc -O2
 * describes p as DW_OP_implicit_pointer <local's DIE>; the test retargets that operand at unit
 * B's local (tests/lit/debug-update/cross-unit-expression.test). Unit A makes no DW_FORM_ref_addr
 * reference, so the partition puts the units in two buckets. */
extern int mix_b(int a, int b);
volatile int sink_a;

__attribute__((noinline)) int mix_a(int a, int b) {
  int local = a * 3;
  int *p = &local;
  for (int i = 0; i < b; i++) {
    local += i * a;
    if ((local & 7) == 3)
      sink_a = i;
  }
  return *p;
}

int main(int argc, char **argv) {
  (void)argv;
  return (mix_a(argc, 4) + mix_b(argc, 5)) & 0x7f;
}
