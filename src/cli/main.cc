// frontline command-line entry point (placeholder until the subcommands land).
#include <cstdio>
int main() { std::puts("frontline"); return 0; }
