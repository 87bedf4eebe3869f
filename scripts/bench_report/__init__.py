"""scripts/bench-report's pieces, one concept per module: problems (descriptors, FLOPs, bytes),
results (the benchmark JSON), estimates (bootstrap intervals and line fits, from scipy), verdicts
(the targets and how a ratio is judged), tables (rates), targets (the sections judged against
targets), growth (cost and memory against T), figures (gnuplot), machine (lscpu), provenance (how
the numbers were made), document (the whole report), runners (rnnsuite-bench processes) and cli
(the command's flags)."""
