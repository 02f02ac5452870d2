"""Peak RSS of this process. Linux keeps ru_maxrss across exec, so a bench started by a bigger parent (the
bench runner) would report the parent's peak; VmHWM belongs to this process's own address space."""
from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
