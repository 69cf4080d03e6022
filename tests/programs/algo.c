/* algo.c — an algorithmic C program that exercises the code shapes a binary
 * rewriter must preserve:
 *   - qsort with comparison callbacks (function pointers passed to libc),
 *   - a table of function pointers called indirectly,
 *   - a dense switch that compiles to a jump table (at -O2 and often -O0),
 *   - recursion (direct and mutual),
 *   - setjmp/longjmp across several frames,
 *   - static initialised data, constant tables and .bss,
 * and finally prints a checksum of everything it computed.
 *
 * Output is fully deterministic (own PRNG, no time, no addresses printed).
 * `depth_probe` is the function the gdb smoke test breaks on.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 257

static uint32_t rng_state = 0x12345678u; /* .data */
static int values[N];                   /* .bss  */
static const uint32_t primes[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
static jmp_buf escape;
static uint64_t checksum = 1469598103934665603ull; /* FNV-1a offset basis */

static void mix(uint64_t v) {
  for (int i = 0; i < 8; ++i) {
    checksum ^= (v >> (i * 8)) & 0xff;
    checksum *= 1099511628211ull;
  }
}

static uint32_t next_rand(void) {
  /* xorshift32 */
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rng_state = x;
  return x;
}

/* ---- qsort callbacks ---- */
static int cmp_asc(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}
static int cmp_desc(const void *a, const void *b) { return cmp_asc(b, a); }
static int cmp_mod7(const void *a, const void *b) {
  int x = *(const int *)a % 7, y = *(const int *)b % 7;
  if (x != y)
    return (x > y) - (x < y);
  return cmp_asc(a, b);
}

/* ---- function pointer table ---- */
typedef int64_t (*binop)(int64_t, int64_t);
static int64_t op_add(int64_t a, int64_t b) { return a + b; }
static int64_t op_sub(int64_t a, int64_t b) { return a - b; }
static int64_t op_mul(int64_t a, int64_t b) { return a * b; }
static int64_t op_xor(int64_t a, int64_t b) { return a ^ b; }
static int64_t op_max(int64_t a, int64_t b) { return a > b ? a : b; }
static const binop ops[] = {op_add, op_sub, op_mul, op_xor, op_max};

/* ---- switch that becomes a jump table ---- */
__attribute__((noinline)) static int64_t interpret(int opcode, int64_t acc,
                                                   int64_t arg) {
  switch (opcode) {
  case 0: return acc + arg;
  case 1: return acc - arg;
  case 2: return acc * 3 + arg;
  case 3: return acc ^ (arg << 3);
  case 4: return acc / (arg | 1);
  case 5: return acc % 1000003 + arg;
  case 6: return (acc << 1) | (arg & 1);
  case 7: return acc + primes[arg % 12];
  case 8: return -acc + arg;
  case 9: return acc & 0xffffffff;
  case 10: return acc + 12345;
  case 11: return acc * 7 - arg;
  default: return acc;
  }
}

/* ---- recursion ---- */
static int64_t fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int64_t ackermann(int64_t m, int64_t n) {
  if (m == 0)
    return n + 1;
  if (n == 0)
    return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

/* ---- setjmp/longjmp across frames ---- */
__attribute__((noinline)) int depth_probe(int depth, int limit) {
  int local_square = depth * depth;
  int local_limit = limit;
  if (depth == local_limit)
    longjmp(escape, local_square + 1);
  if (depth > local_limit) /* not taken: keeps compilers from warning */
    return -1;
  return depth_probe(depth + 1, local_limit) + 1; /* never returns normally */
}

int main(void) {
  /* fill static data */
  for (int i = 0; i < N; ++i)
    values[i] = (int)(next_rand() % 100000);

  int copy[N];
  int (*cmps[])(const void *, const void *) = {cmp_asc, cmp_desc, cmp_mod7};
  const char *names[] = {"asc", "desc", "mod7"};
  for (int k = 0; k < 3; ++k) {
    memcpy(copy, values, sizeof copy);
    qsort(copy, N, sizeof copy[0], cmps[k]);
    uint64_t s = 0;
    for (int i = 0; i < N; ++i)
      s = s * 31 + (uint64_t)copy[i];
    printf("qsort %-4s first=%d last=%d hash=%llu\n", names[k], copy[0],
           copy[N - 1], (unsigned long long)s);
    mix(s);
  }

  int64_t acc = 1;
  for (int i = 0; i < 1000; ++i)
    acc = ops[i % 5](acc, values[i % N]) & 0xffffffffff;
  printf("ops acc=%lld\n", (long long)acc);
  mix((uint64_t)acc);

  int64_t vm = 7;
  for (int i = 0; i < 5000; ++i)
    vm = interpret((int)(next_rand() % 13), vm, values[i % N]) & 0xfffffffffff;
  printf("interpret vm=%lld\n", (long long)vm);
  mix((uint64_t)vm);

  printf("fib(24)=%lld even(1001)=%d ackermann(2,3)=%lld\n", (long long)fib(24),
         is_even(1001), (long long)ackermann(2, 3));
  mix((uint64_t)fib(20));

  int jumped = setjmp(escape);
  if (jumped == 0) {
    depth_probe(0, 9);
    puts("unreachable");
  } else {
    printf("longjmp returned %d\n", jumped);
    mix((uint64_t)jumped);
  }

  printf("checksum=%016llx\n", (unsigned long long)checksum);
  return 0;
}
