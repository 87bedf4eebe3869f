// rnnsuite-mutants: the mutant × regime matrix (placeholder until the matrix lands).
int main() { return 0; }
