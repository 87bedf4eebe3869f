"""The throughput-against-T figures, drawn by gnuplot (skipped when it is not installed)."""
import os
import shutil
import subprocess

from .results import stats, sweep


def figure(runs, cell, B, H, out_png, data_dir):
    """steps/s against T (log2 axis), fwdbwd, one line per implementation; False if nothing to plot."""
    series = []
    for impl in ("rnnsuite", "onednn"):
        points = [(T, T * B / stats(e)["median"]) for T, e in sweep(runs, cell, B, H, "fwdbwd", impl) if stats(e)]
        if len(points) > 1:  # one T is not a curve (the table grid has T = 128 only at B = 1, H = 128)
            path = os.path.join(data_dir, f"perf-{cell}-b{B}-h{H}-{impl}.dat")
            with open(path, "w") as f:
                f.writelines(f"{T} {rate}\n" for T, rate in points)
            series.append((impl, path))
    if not series or not shutil.which("gnuplot"):
        return False
    plots = ", ".join(f"'{path}' using 1:2 with linespoints title '{impl}'" for impl, path in series)
    script = (f"set terminal pngcairo size 720,440\nset output '{out_png}'\nset logscale x 2\n"
              f"set xlabel 'sequence length T'\nset ylabel 'steps/s (T·B per second), forward+backward'\n"
              f"set title '{cell}, B={B}, I=H={H}, float32'\nset key top left\nset grid\n"
              f"set yrange [0:*]\nplot {plots}\n")
    result = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if result.returncode != 0:  # gnuplot-nox may lack pngcairo: fall back to the gd png terminal
        script = script.replace("pngcairo size 720,440", "png size 720,440")
        result = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    return result.returncode == 0
