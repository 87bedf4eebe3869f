"""rnnsuite-bench's JSON as the report reads it: per (descriptor, direction, implementation) the
repetitions' times, counters and error, and the summaries every table starts from."""
import json
import statistics

from .problems import is_network, parse_descriptor


def load(path):
    """(context, {(descriptor, direction, implementation): entry}) with per-repetition times in
    seconds."""
    with open(path) as f:
        data = json.load(f)
    runs = {}
    for r in data["benchmarks"]:
        if r.get("run_type") == "aggregate":
            continue
        descriptor, direction, implementation = r["name"].split("/")[:3]
        key = (descriptor, direction, implementation)
        entry = runs.setdefault(key, {"times": [], "counters": {}, "error": None,
                                      "problem": parse_descriptor(descriptor)})
        if r.get("error_occurred"):
            entry["error"] = r.get("error_message", "error")
            continue
        scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[r.get("time_unit", "ns")]
        entry["times"].append(r["real_time"] * scale)
        for name in ("activation_bytes", "workspace_bytes", "steps"):
            if name in r:
                entry["counters"][name] = r[name]
    return data.get("context", {}), runs


def stats(entry):
    """Median, min, max and count of an entry's times; None when it failed or has none."""
    if entry is None or entry["error"] or not entry["times"]:
        return None
    t = sorted(entry["times"])
    return {"median": statistics.median(t), "min": t[0], "max": t[-1], "n": len(t)}


def sweep(runs, cell, B, H, direction, implementation):
    """[(T, entry)] for the T sweep of one cell and shape (I = H, float32, one layer), sorted by T."""
    out = []
    for (descriptor, d, impl), entry in runs.items():
        p = entry["problem"]
        if (p["cell"], p["B"], p["H"], p["I"], p["prec"], d, impl) == \
                (cell, B, H, H, "f32", direction, implementation) and not is_network(p):
            out.append((p["T"], entry))
    return sorted(out, key=lambda te: te[0])
