// Two units sharing the types of shapes.h (see there); built with shapes-total.cpp.
#include "shapes.h"
#include <cstdio>

static int describe(const Shape &shape)
{
    std::printf("shape %d: area %d\n", shape.id, shape.area());
    return shape.area();
}

int main(int argc, char **)
{
    Square square;
    square.id = 1;
    square.side = argc + 2;
    Rectangle rectangle;
    rectangle.id = 2;
    rectangle.width = argc + 3;
    rectangle.height = 4;
    const Shape *shapes[] = {&square, &rectangle};
    int largest = describe(square) > describe(rectangle) ? 1 : 2;
    Tally tally = total(shapes, 2);
    std::printf("total %d of %d, largest %d\n", tally.sum, tally.count, largest);
    return 0;
}
