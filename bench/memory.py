"""Peak resident memory of this process alone.

`ru_maxrss` survives fork and exec on Linux, so a child started by a large parent would report
the parent's size; the kernel's VmHWM for the process's own address space does not.
"""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
