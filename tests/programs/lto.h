/* The LTO test program's functions across its units (lto-main.c, lto-util.c, lto-plain.c). */
int scale(int x, int factor);
int lookup(int key);
long accumulate(const int *values, int count);
void report(const char *what, long value);
