"""Running rnnsuite-bench for the report: the grid in one interleaved process, and the networks'
pass of rnnsuite at one thread and at two.

Both implementations run in one process at every thread count, under one OpenMP wait policy for
the whole process: rnnsuite's threads run on the process's OpenMP runtime, as oneDNN's do, and a
user's process (PyTorch, oneDNN, OpenBLAS) has one runtime with one policy too (issue 28). The
default is ACTIVE, which oneDNN's best two-thread figures need; a policy set in the environment is
used instead, and the report says which it was."""
import json
import os
import subprocess
import sys

from .problems import parse_descriptor
from .results import load

DEFAULT_WAIT_POLICY = "ACTIVE"
WAIT_POLICIES = ("ACTIVE", "PASSIVE")  # the OpenMP specification's values (case-insensitive)


class RunnerError(Exception):
    """Something the user must fix before the benchmark can run; the message says what."""


def wait_policy():
    """(OMP_WAIT_POLICY for the run, where it came from: "environment" or "bench-report")."""
    given = os.environ.get("OMP_WAIT_POLICY", "").strip()
    if not given:
        return DEFAULT_WAIT_POLICY, "bench-report"
    if given.upper() not in WAIT_POLICIES:
        raise RunnerError(f"OMP_WAIT_POLICY='{given}' in the environment is not one of "
                          f"{', '.join(WAIT_POLICIES)}; unset it for the default, {DEFAULT_WAIT_POLICY}")
    return given, "environment"


def _record_in_context(json_path, fields):
    """Adds the runner's facts to the JSON's context, so that a report rendered from the JSON
    later (--no-run) still says how the run was made."""
    with open(json_path) as f:
        data = json.load(f)
    data.setdefault("context", {}).update(fields)
    with open(json_path, "w") as f:
        json.dump(data, f, indent=1)


def run_benchmarks(binary, flags, json_path):
    """One process for the whole grid, both implementations interleaved (the repetitions in
    random order), at any thread count. Returns rnnsuite-bench's exit status."""
    policy, source = wait_policy()
    command = [binary] + flags
    print(f"bench-report: running OMP_WAIT_POLICY={policy} {' '.join(command)}", file=sys.stderr)
    status = subprocess.run(command, env=dict(os.environ, OMP_WAIT_POLICY=policy)).returncode
    if os.path.isfile(json_path) and not status & 2:
        _record_in_context(json_path, {"omp_wait_policy": policy, "omp_wait_policy_from": source})
    return status


def bidirectional_networks(binary, grid):
    """The grid's bidirectional float32 networks that rnnsuite runs forward+backward, in order;
    None (with rnnsuite-bench's message on stderr) when it cannot list them."""
    listing = subprocess.run([binary, f"--grid={grid}", "--benchmark_list_tests=true"],
                             capture_output=True, text=True)
    if listing.returncode != 0:
        sys.stderr.write(listing.stderr)
        return None, listing.returncode
    descriptors = []
    for name in listing.stdout.split():
        descriptor, direction, implementation = name.split("/")[:3]
        p = parse_descriptor(descriptor)
        if (p["D"] == 2 and p["prec"] == "f32" and direction == "fwdbwd" and implementation == "rnnsuite"
                and descriptor not in descriptors):
            descriptors.append(descriptor)
    return descriptors, 0


def run_scaling(binary, grid, repetitions, min_time, json_path):
    """rnnsuite alone at one thread and at two on every bidirectional float32 network of the grid:
    one process per thread count (the count is fixed for a process's lifetime), the two of a
    network back to back in alternating order so the machine's drift hits both alike, under the
    same wait policy as the main run. Their times are added to the JSON at json_path as
    "scaling": {descriptor: {"1": [seconds], "2": [seconds]}}. Returns rnnsuite-bench's worst
    status."""
    policy, _ = wait_policy()
    descriptors, status = bidirectional_networks(binary, grid)
    if descriptors is None:
        return status
    scaling = {}
    for i, descriptor in enumerate(descriptors):
        scaling[descriptor] = {}
        for threads in (1, 2) if i % 2 == 0 else (2, 1):
            out = f"{json_path}.t{threads}"
            command = [binary, f"--grid={grid}", f"--threads={threads}",
                       f"--benchmark_repetitions={repetitions}", f"--benchmark_min_time={min_time}",
                       f"--benchmark_filter=^{descriptor}/fwdbwd/rnnsuite(/real_time)?$",
                       f"--benchmark_out={out}", "--benchmark_out_format=json"]
            print(f"bench-report: running OMP_WAIT_POLICY={policy} {' '.join(command)}", file=sys.stderr)
            status |= subprocess.run(command, env=dict(os.environ, OMP_WAIT_POLICY=policy)).returncode
            if status & 2 or not os.path.isfile(out):
                return status or 1
            _, runs = load(out)
            os.remove(out)
            entry = runs.get((descriptor, "fwdbwd", "rnnsuite"))
            scaling[descriptor][str(threads)] = entry["times"] if entry and not entry["error"] else []
    with open(json_path) as f:
        data = json.load(f)
    data["scaling"] = scaling
    data["context"]["scaling_command"] = (
        f"OMP_WAIT_POLICY={policy} rnnsuite-bench --grid={grid} --threads=1|2 "
        f"--benchmark_repetitions={repetitions} --benchmark_min_time={min_time} "
        "--benchmark_filter='^<network>/fwdbwd/rnnsuite' (one process per thread count, the two of "
        "a network back to back in alternating order)")
    with open(json_path, "w") as f:
        json.dump(data, f, indent=1)
    return status
