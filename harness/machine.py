"""The machine and the versions a run reports (run.json, benchmark.json)."""

import os
import platform
import time
from importlib import metadata
from pathlib import Path

VERSIONS = ("keras", "tensorflow", "jax", "jaxlib", "torch", "numpy", "matplotlib")


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict:
    """The installed packages of VERSIONS, without a local tag (torch's ``+cpu``)."""
    found = {}
    for name in VERSIONS:
        try:
            found[name] = metadata.version(name).split("+")[0]
        except metadata.PackageNotFoundError:
            pass
    return found


def machine() -> dict:
    """When, on what CPU, with which Python and packages."""
    return {
        "date": time.strftime("%Y-%m-%d"),
        "cpu": cpu_name(),
        "cpu_count": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "versions": versions(),
    }
