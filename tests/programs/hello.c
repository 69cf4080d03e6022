/* hello.c — the smallest real program: argv, environment, stdout, stderr
 * and a non-zero exit status, so that a test harness comparing runs sees
 * all three channels.
 *
 * Output is deterministic given argv and the REWRITER_TEST_ENV variable.
 * argv[0] is deliberately NOT printed: the original and the rewritten binary
 * live at different paths.
 *
 * Exit status: 0 normally; 3 when the first argument is "fail" (used by the
 * identity tests so that exit codes are compared too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char greeting[] = "hello, rewriter";
static int counter = 40; /* .data */
static char scratch[64]; /* .bss  */

int main(int argc, char **argv) {
  printf("%s\n", greeting);
  printf("argc=%d\n", argc);
  for (int i = 1; i < argc; ++i)
    printf("argv[%d]=%s\n", i, argv[i]);

  const char *env = getenv("REWRITER_TEST_ENV");
  printf("REWRITER_TEST_ENV=%s\n", env ? env : "(unset)");

  snprintf(scratch, sizeof scratch, "counter=%d", counter + argc);
  puts(scratch);

  fprintf(stderr, "hello: this line goes to stderr\n");
  if (argc > 1 && strcmp(argv[1], "fail") == 0) {
    fprintf(stderr, "hello: exiting with status 3\n");
    return 3;
  }
  return 0;
}
