namespace Rewriter.DebugUpdate.Tests.Support;

/// <summary>Small but varied programs: inlining, lexical blocks, structs, statics, two translation units.</summary>
internal static class SampleSources
{
    public enum Language { C, Cpp }

    public static string[] Write(Language language, string directory)
    {
        var files = language == Language.C ? CSources : CppSources;
        foreach (var (name, text) in files)
            File.WriteAllText(Path.Combine(directory, name), text);
        return files.Select(f => f.Name).Where(n => !n.EndsWith(".h") && !n.EndsWith(".hpp")).ToArray();
    }

    private static readonly (string Name, string Text)[] CSources =
    [
        ("main.c", """
            #include <stdio.h>
            #include <stdlib.h>
            #include "shapes.h"

            static int counter;
            int table[16] = {1, 2, 3};

            static inline int square(int x) { return x * x; }

            static int accumulate(const int *values, int n)
            {
                int sum = 0;
                for (int i = 0; i < n; i++) {
                    int v = values[i];
                    if (v > 2) {
                        int doubled = v * 2;
                        sum += square(doubled);
                    } else {
                        sum -= v;
                    }
                }
                return sum;
            }

            int main(int argc, char **argv)
            {
                struct point p = { argc, argc + 1 };
                counter += accumulate(table, argc < 16 ? argc + 3 : 16);
                double area = shape_area(argc % 2 ? CIRCLE : SQUARE, p.x + 0.5);
                printf("%d %f %d\n", counter, area, point_norm(&p));
                if (argc > 5)
                    abort();
                return counter & 1;
            }
            """),
        ("shapes.h", """
            enum shape_kind { CIRCLE, SQUARE, TRIANGLE };
            struct point { int x, y; };
            double shape_area(enum shape_kind kind, double size);
            int point_norm(const struct point *p);
            """),
        ("shapes.c", """
            #include "shapes.h"

            static const double pi = 3.14159;

            double shape_area(enum shape_kind kind, double size)
            {
                switch (kind) {
                case CIRCLE: return pi * size * size;
                case SQUARE: return size * size;
                default: {
                    double half = size / 2;
                    return half * size;
                }
                }
            }

            int point_norm(const struct point *p)
            {
                int ax = p->x < 0 ? -p->x : p->x;
                int ay = p->y < 0 ? -p->y : p->y;
                return ax > ay ? ax : ay;
            }
            """),
    ];

    private static readonly (string Name, string Text)[] CppSources =
    [
        ("main.cpp", """
            #include <cstdio>
            #include <stdexcept>
            #include "shapes.hpp"

            namespace {
            int helper(int x) { if (x > 100) throw std::runtime_error("big"); return x + 1; }
            }

            template <typename T> T twice(T value) { return value + value; }

            int main(int argc, char **argv)
            {
                geo::Circle circle(argc);
                geo::Square square(argc + 1);
                const geo::Shape *shapes[] = { &circle, &square };
                double total = 0;
                for (const geo::Shape *shape : shapes)
                    total += shape->area();
                try {
                    total += helper(argc * 50);
                } catch (const std::exception &e) {
                    std::puts(e.what());
                }
                auto scale = [argc](double v) { return v * argc; };
                std::printf("%f %d %f\n", scale(total), twice(argc), twice(1.5));
                return geo::count_shapes() > 3;
            }
            """),
        ("shapes.hpp", """
            namespace geo {
            struct Shape {
                virtual ~Shape() = default;
                virtual double area() const = 0;
            };
            struct Circle : Shape {
                explicit Circle(double r);
                double area() const override;
                double radius;
            };
            struct Square : Shape {
                explicit Square(double s) : side(s) {}
                double area() const override { return side * side; }
                double side;
            };
            int count_shapes();
            }
            """),
        ("shapes.cpp", """
            #include "shapes.hpp"

            namespace geo {
            static int created;
            Circle::Circle(double r) : radius(r) { ++created; }
            double Circle::area() const { return 3.14159 * radius * radius; }
            int count_shapes() { return created; }
            }
            """),
    ];
}
