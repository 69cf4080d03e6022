// oop.cpp — C++ "everyday" code: virtual calls through base pointers, pure
// virtual interfaces, templates (function and class, with specialisation),
// std::vector, std::map, std::string, lambdas and std::function, static
// constructors (a global object initialised before main), std::sort with a
// comparator.  Prints a deterministic report.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
  virtual int corners() const { return 0; }
};

struct Rect : Shape {
  double w, h;
  Rect(double w, double h) : w(w), h(h) {}
  double area() const override { return w * h; }
  std::string name() const override { return "rect"; }
  int corners() const override { return 4; }
};
struct Square final : Rect {
  explicit Square(double s) : Rect(s, s) {}
  std::string name() const override { return "square"; }
};
struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  double area() const override { return 3.14159265358979 * r * r; }
  std::string name() const override { return "circle"; }
};
struct Triangle : Shape {
  double b, h;
  Triangle(double b, double h) : b(b), h(h) {}
  double area() const override { return 0.5 * b * h; }
  std::string name() const override { return "triangle"; }
  int corners() const override { return 3; }
};

template <typename T> T clamp_sum(const std::vector<T> &v, T lo, T hi) {
  T s = std::accumulate(v.begin(), v.end(), T{});
  return std::min(std::max(s, lo), hi);
}

template <typename T, int N> struct Ring {
  T data[N]{};
  int head = 0;
  void push(T v) { data[head++ % N] = v; }
  T sum() const {
    T s{};
    for (const T &x : data)
      s += x;
    return s;
  }
};
template <int N> struct Ring<std::string, N> { // partial specialisation
  std::string joined;
  void push(const std::string &s) { joined += s + ";"; }
  std::string sum() const { return joined; }
};

struct Registry {
  std::map<std::string, int> counts;
  Registry() { counts["static-init"] = 1; } // runs before main
};
static Registry registry;

int main() {
  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 12; ++i) {
    switch (i % 4) {
    case 0: shapes.push_back(std::make_unique<Rect>(i, i + 1)); break;
    case 1: shapes.push_back(std::make_unique<Square>(i)); break;
    case 2: shapes.push_back(std::make_unique<Circle>(i / 2.0)); break;
    default: shapes.push_back(std::make_unique<Triangle>(i, 2 * i)); break;
    }
  }
  std::sort(shapes.begin(), shapes.end(),
            [](const std::unique_ptr<Shape> &a, const std::unique_ptr<Shape> &b) {
              return a->area() < b->area();
            });
  for (const auto &s : shapes) {
    registry.counts[s->name()] += 1;
    std::printf("%-8s corners=%d area=%.3f\n", s->name().c_str(), s->corners(),
                s->area());
  }
  for (const auto &[name, count] : registry.counts)
    std::printf("count %s=%d\n", name.c_str(), count);

  std::vector<int> ints(100);
  std::iota(ints.begin(), ints.end(), -20);
  std::vector<double> dbls{1.5, 2.25, -0.75};
  std::printf("clamp_sum int=%d double=%.2f\n", clamp_sum(ints, -100, 1000),
              clamp_sum(dbls, 0.0, 10.0));

  Ring<long, 5> ring;
  for (long i = 0; i < 13; ++i)
    ring.push(i * i);
  Ring<std::string, 3> sring;
  for (const char *w : {"alpha", "beta", "gamma"})
    sring.push(w);
  std::printf("ring sum=%ld sring=%s\n", ring.sum(), sring.sum().c_str());

  std::map<int, std::function<int(int)>> table;
  int base = 7;
  table[1] = [base](int x) { return x + base; };
  table[2] = [](int x) { return x * x; };
  table[3] = [&table](int x) { return table[1](table[2](x)); };
  uint64_t h = 0;
  for (int i = 0; i < 50; ++i)
    h = h * 131 + (uint64_t)table[1 + i % 3](i);
  std::printf("function table hash=%llu\n", (unsigned long long)h);
  return 0;
}
