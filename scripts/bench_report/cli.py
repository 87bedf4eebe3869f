"""scripts/bench-report's command line: which grid to run, where the JSON and the markdown go, and
the order of run, scaling pass and rendering."""
import argparse
import json
import os
import sys

from .document import render
from .results import load
from .runners import RunnerError, run_benchmarks, run_scaling

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def parse_args(description, argv):
    ap = argparse.ArgumentParser(prog="scripts/bench-report", description=description,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.environ.get("RNNSUITE_BUILD_DIR", os.path.join(ROOT, "build/release")))
    ap.add_argument("--short", action="store_true", help="a few shapes; output into the build folder")
    ap.add_argument("--grid", help="rnnsuite-bench --grid (default: default, or short with --short)")
    ap.add_argument("--json", help="benchmark JSON to write (and read)")
    ap.add_argument("--no-run", action="store_true", help="only render --json")
    ap.add_argument("--out", help="markdown to write (default docs/performance.md; with --short, the build folder)")
    ap.add_argument("--repetitions", type=int, default=5)
    ap.add_argument("--min-time", default=None, help="--benchmark_min_time in seconds (default 0.2; 0.05 with --short)")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-scaling", action="store_true",
                    help="--grid networks: skip the pass of rnnsuite at two threads against one")
    args = ap.parse_args(argv)
    if args.repetitions < 5:
        ap.error(f"--repetitions must be >= 5 for a median with spread, got {args.repetitions}")
    if not 1 <= args.threads <= 1024:
        ap.error(f"--threads must be in 1..1024, got {args.threads}")
    if args.no_run and not args.json:
        ap.error("--no-run needs --json")
    return args


def main(description, argv=None):
    args = parse_args(description, argv)
    bench_dir = os.path.join(args.build, "bench")
    grid = args.grid or ("short" if args.short else "default")
    threads_tag = "" if args.threads == 1 else f"-t{args.threads}"
    json_path = args.json or os.path.join(bench_dir, f"performance-{grid}{threads_tag}.json")
    if args.short:
        out_md = args.out or os.path.join(bench_dir, "performance-short.md")
    else:
        stem = {"networks": "performance-networks", "lengths": "performance-lengths"}.get(grid, "performance")
        default_md = f"{stem}.md" if args.threads == 1 else f"{stem}-{args.threads}threads.md"
        out_md = args.out or os.path.join(ROOT, "docs", default_md)
    fig_dir = os.path.join(os.path.dirname(out_md), "figures")
    min_time = args.min_time or ("0.05" if args.short else "0.2")
    binary = os.path.join(bench_dir, "rnnsuite-bench")
    flags = [f"--grid={grid}", f"--threads={args.threads}", f"--benchmark_repetitions={args.repetitions}",
             "--benchmark_enable_random_interleaving=true", f"--benchmark_min_time={min_time}",
             f"--benchmark_out={json_path}", "--benchmark_out_format=json"]
    command = "rnnsuite-bench " + " ".join(f for f in flags if not f.startswith("--benchmark_out="))
    status = 0
    if not args.no_run:
        if not os.access(binary, os.X_OK):
            raise SystemExit(f"bench-report: {binary} not built (cmake --build {args.build} --target rnnsuite-bench)")
        try:
            status = run_benchmarks(binary, flags, json_path)
            if grid == "networks" and args.threads == 1 and not args.no_scaling and not status & 2 \
                    and os.path.isfile(json_path):
                status |= run_scaling(binary, grid, args.repetitions, min_time, json_path)
        except RunnerError as e:
            print(f"bench-report: {e}; {out_md} left as it was", file=sys.stderr)
            return 2
        if status & 2:  # rnnsuite-bench rejected an argument and said which
            print(f"bench-report: rnnsuite-bench refused its arguments (exit {status}); {out_md} left "
                  "as it was", file=sys.stderr)
            return 2
    if not os.path.isfile(json_path):
        why = "--json names no file" if args.no_run else f"rnnsuite-bench exited {status}"
        print(f"bench-report: no benchmark JSON at {json_path} ({why}); {out_md} left as it was",
              file=sys.stderr)
        return 2 if args.no_run else status or 1
    context, runs = load(json_path)
    with open(json_path) as f:
        scaling = json.load(f).get("scaling")
    threads = int(context.get("threads", args.threads))  # the run's, also when only rendering
    title = "Performance: " + {"networks": "stacked and bidirectional networks, ",
                               "lengths": "sequences of different lengths, "}.get(context.get("grid"), "") + \
        "rnnsuite and oneDNN" + (f", {threads} threads" if threads > 1 else "") + \
        (", the targets' shapes" if context.get("grid") == "table" else "") + \
        (" (short run)" if args.short else "")
    render(context, runs, command, out_md, fig_dir, title, scaling)
    print(f"bench-report: wrote {out_md}", file=sys.stderr)
    return status
