"""What the report says about the machine: lscpu's fields, and a note on the measured FMA peak."""
import re
import subprocess


def machine():
    """lscpu's fields; caches from getconf where lscpu has none (some KVM guests report none)."""
    info = {}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            info[key.strip()] = value.strip()
    except OSError:
        pass
    for key, name, whose in (("L1d cache", "LEVEL1_DCACHE_SIZE", "per core"),
                             ("L2 cache", "LEVEL2_CACHE_SIZE", "per core"),
                             ("L3 cache", "LEVEL3_CACHE_SIZE", "as the guest reports it")):
        if info.get(key):
            continue
        try:
            size = int(subprocess.run(["getconf", name], capture_output=True, text=True).stdout.strip() or 0)
        except (OSError, ValueError):
            size = 0
        if size > 0:
            amount = f"{size >> 10} KiB" if size < 1 << 20 else f"{size / (1 << 20):g} MiB"
            info[key] = f"{amount} {whose} (getconf)"
    return info


def peak_note(detail):
    """One line when AVX-512's measured peak is about twice AVX2's: the CPU has two 512-bit FMA pipes."""
    m = re.search(r"avx2 f32 ([\d.]+).*avx512 f32 ([\d.]+)", detail)
    if not m or float(m.group(2)) < 1.6 * float(m.group(1)):
        return []
    return ["- AVX-512 doubles the FMA peak on this CPU (two 512-bit FMA pipes), unlike the Zen 4 that "
            "PERFORMANCE.md's 116 GFLOP/s describes; % peak and the 85 % target use the measured peak."]
