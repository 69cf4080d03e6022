/* threads.c — pthreads with deterministic output: every worker computes into
 * its own slot (plus one mutex-protected shared total and a barrier), main
 * joins all of them and only then prints.  Thread-local storage is used too,
 * since TLS relocations and the PT_TLS segment must survive a rewrite.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define NTHREADS 4
#define WORK 200000

static __thread uint64_t tls_counter = 5; /* .tdata */
static __thread uint64_t tls_zero;        /* .tbss  */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;
static uint64_t shared_total;
static uint64_t results[NTHREADS];

struct job {
  int id;
  uint64_t seed;
};

static void *worker(void *arg) {
  struct job *j = arg;
  uint64_t x = j->seed;
  for (int i = 0; i < WORK; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    tls_counter += x >> 60;
  }
  tls_zero += (uint64_t)j->id;
  pthread_barrier_wait(&barrier);
  pthread_mutex_lock(&lock);
  shared_total += tls_counter;
  pthread_mutex_unlock(&lock);
  results[j->id] = x ^ tls_counter ^ tls_zero;
  return (void *)(uintptr_t)(j->id * 10);
}

int main(void) {
  pthread_t tids[NTHREADS];
  struct job jobs[NTHREADS];
  pthread_barrier_init(&barrier, NULL, NTHREADS);
  for (int i = 0; i < NTHREADS; ++i) {
    jobs[i].id = i;
    jobs[i].seed = 1000003ull * (uint64_t)(i + 1);
    if (pthread_create(&tids[i], NULL, worker, &jobs[i]) != 0) {
      fprintf(stderr, "pthread_create failed\n");
      return 1;
    }
  }
  uint64_t retsum = 0;
  for (int i = 0; i < NTHREADS; ++i) {
    void *ret;
    pthread_join(tids[i], &ret);
    retsum += (uintptr_t)ret;
  }
  pthread_barrier_destroy(&barrier);
  for (int i = 0; i < NTHREADS; ++i)
    printf("thread %d result=%016llx\n", i, (unsigned long long)results[i]);
  printf("shared_total=%llu retsum=%llu main_tls=%llu\n",
         (unsigned long long)shared_total, (unsigned long long)retsum,
         (unsigned long long)tls_counter);
  return 0;
}
