"""The line every benchmark prints first: what machine, and how busy, the figures are from."""
from __future__ import annotations

import os
import platform


def describe(load: bool = True) -> str:
    """``machine: x86_64, 2 cores, Python 3.11.7; load average 1.2``."""
    line = (f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")
    return line + (f"; load average {os.getloadavg()[0]:.1f}" if load else "")
