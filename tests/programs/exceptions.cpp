// exceptions.cpp — C++ exceptions thrown and caught across functions:
//   - throw through several frames (unwinding uses .eh_frame + LSDA),
//   - destructors of locals run during unwinding (RAII trace),
//   - catch by base class, catch(...), rethrow with `throw;`,
//   - std::exception_ptr / std::rethrow_exception, nested try blocks,
//   - noexcept boundaries not crossed, function-try-block in a constructor,
//   - an exception escaping a destructor-heavy std::vector.
// Prints a trace of everything that happened; the last line summarises it.
// Writes one line to stderr and exits with status 2 so that the harness also
// compares stderr and a non-zero exit code for a C++ program.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

static int destroyed = 0;
static int caught = 0;

struct Guard {
  const char *name;
  explicit Guard(const char *n) : name(n) { std::printf("  enter %s\n", name); }
  ~Guard() {
    ++destroyed;
    std::printf("  leave %s\n", name);
  }
};

struct AppError : std::runtime_error {
  int code;
  AppError(const std::string &what, int c) : std::runtime_error(what), code(c) {}
};
struct DeepError : AppError {
  using AppError::AppError;
};

__attribute__((noinline)) void level3(int n) {
  Guard g("level3");
  if (n % 3 == 0)
    throw DeepError("deep failure", n);
  if (n % 3 == 1)
    throw std::out_of_range("index " + std::to_string(n));
  throw n; // an int
}

__attribute__((noinline)) void level2(int n) {
  Guard g("level2");
  std::vector<Guard> many;
  many.reserve(3);
  many.emplace_back("vec0");
  many.emplace_back("vec1");
  level3(n);
}

__attribute__((noinline)) void level1(int n) {
  Guard g("level1");
  try {
    level2(n);
  } catch (const AppError &e) {
    std::printf("  level1 saw AppError(%s, %d), rethrowing\n", e.what(), e.code);
    throw; // rethrow the same object
  }
}

struct Widget {
  std::unique_ptr<Guard> part;
  Widget(bool fail) try : part(new Guard("widget-part")) {
    if (fail)
      throw std::logic_error("widget construction failed");
  } catch (const std::exception &e) {
    std::printf("  Widget ctor handler: %s\n", e.what());
    // implicitly rethrown at the end of a constructor function-try-block
  }
};

static std::exception_ptr saved;

__attribute__((noinline)) void save_exception() {
  try {
    throw AppError("saved for later", 77);
  } catch (...) {
    saved = std::current_exception();
  }
}

// An optional argument repeats the throwing rounds (quietly) to make a longer profile; without
// it the program prints exactly what it always did.
static void quiet_rounds(int rounds) {
  long sum = 0;
  for (int r = 0; r < rounds; ++r)
    for (int n = 0; n < 3; ++n) {
      try {
        level1(n);
      } catch (const DeepError &e) {
        sum += e.code;
      } catch (...) {
        sum += 1;
      }
    }
  if (rounds > 0)
    std::printf("%d quiet rounds: %ld\n", rounds, sum);
}

int main(int argc, char **argv) {
  quiet_rounds(argc > 1 ? std::atoi(argv[1]) : 0);
  for (int n = 0; n < 3; ++n) {
    std::printf("round %d\n", n);
    try {
      level1(n);
    } catch (const DeepError &e) {
      ++caught;
      std::printf("main caught DeepError(%s, %d)\n", e.what(), e.code);
    } catch (const std::exception &e) {
      ++caught;
      std::printf("main caught std::exception(%s)\n", e.what());
    } catch (...) {
      ++caught;
      std::printf("main caught something else\n");
    }
  }

  try {
    Widget w(true);
    std::printf("not reached\n");
  } catch (const std::logic_error &e) {
    ++caught;
    std::printf("main caught logic_error(%s)\n", e.what());
  }

  save_exception();
  try {
    std::rethrow_exception(saved);
  } catch (const AppError &e) {
    ++caught;
    std::printf("main caught rethrown exception_ptr(%s, %d)\n", e.what(), e.code);
  }

  try {
    try {
      throw 3.5;
    } catch (double d) {
      std::printf("inner caught double %.1f\n", d);
      throw std::runtime_error("converted");
    }
  } catch (const std::runtime_error &e) {
    ++caught;
    std::printf("outer caught %s\n", e.what());
  }

  std::printf("summary: caught=%d destroyed=%d\n", caught, destroyed);
  std::fprintf(stderr, "exceptions: finished with status 2\n");
  return 2;
}
