/* The bundled example: counts word frequencies in generated text with a hash table, sorts them
 * with qsort and prints the top entries. Deterministic, so the original and the rewritten
 * program can be compared byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_SIZE 4096

struct entry { char word[16]; int count; struct entry *next; };

static struct entry *table[TABLE_SIZE];
static unsigned long long seed = 42;

static unsigned next_random(void) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(seed >> 33);
}

static unsigned hash(const char *s) {
    unsigned h = 2166136261u;
    while (*s) h = (h ^ (unsigned char)*s++) * 16777619u;
    return h % TABLE_SIZE;
}

static void add_word(const char *word) {
    unsigned h = hash(word);
    for (struct entry *e = table[h]; e; e = e->next)
        if (strcmp(e->word, word) == 0) { e->count++; return; }
    struct entry *e = calloc(1, sizeof *e);
    strncpy(e->word, word, sizeof e->word - 1);
    e->count = 1;
    e->next = table[h];
    table[h] = e;
}

static void make_word(char *out) {
    static const char *syllables[] = { "ka", "ri", "to", "ne", "su", "mo", "la", "vi" };
    int n = 1 + next_random() % 3;
    out[0] = 0;
    for (int i = 0; i < n; i++) strcat(out, syllables[next_random() % 8]);
}

static int by_count(const void *a, const void *b) {
    const struct entry *x = *(struct entry *const *)a, *y = *(struct entry *const *)b;
    if (x->count != y->count) return y->count - x->count;
    return strcmp(x->word, y->word);
}

int main(int argc, char **argv) {
    int words = argc > 1 ? atoi(argv[1]) : 200000;
    char word[16];
    for (int i = 0; i < words; i++) { make_word(word); add_word(word); }

    int distinct = 0;
    for (int i = 0; i < TABLE_SIZE; i++)
        for (struct entry *e = table[i]; e; e = e->next) distinct++;
    struct entry **all = malloc(distinct * sizeof *all);
    int k = 0;
    for (int i = 0; i < TABLE_SIZE; i++)
        for (struct entry *e = table[i]; e; e = e->next) all[k++] = e;
    qsort(all, distinct, sizeof *all, by_count);

    printf("%d words, %d distinct\n", words, distinct);
    for (int i = 0; i < 5 && i < distinct; i++) printf("%-8s %d\n", all[i]->word, all[i]->count);
    return 0;
}
