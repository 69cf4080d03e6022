// Types shared by shapes.cpp and shapes-total.cpp: with -fdebug-types-section each unit has its
// own copy of their type units, which a .dwp package keeps once per signature.
struct Shape {
    virtual ~Shape() {}
    virtual int area() const = 0;
    int id;
};

struct Square : Shape {
    int side;
    int area() const override { return side * side; }
};

struct Rectangle : Shape {
    int width, height;
    int area() const override { return width * height; }
};

// A plain struct both units define in full (the classes above are described only where their
// vtables are), so both have its type unit.
struct Tally {
    int count;
    int sum;
};

Tally total(const Shape *const *shapes, int count);
