# Reads `llvm-nm -n` output and prints the code symbols just before and after the one named
# NAME (-v name=NAME): "NAME is between BEFORE and AFTER" ("-" at either end).
$2 ~ /^[tTwW]$/ { names[++count] = $3 }
END {
    for (i = 1; i <= count; i++)
        if (names[i] == name)
            printf "%s is between %s and %s\n", name, (i > 1 ? names[i - 1] : "-"), (i < count ? names[i + 1] : "-")
}
