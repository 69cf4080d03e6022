/* One of two headers named step.h (see ../same-name.c). */
static inline int left_step(int x) {
  if (x & 1)
    return 3 * x + 1;
  return x / 2;
}
