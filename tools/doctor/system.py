"""Python, the operating system (and Windows on ARM) and the pip index in effect."""

import ast
import platform
import subprocess
import sys
import sysconfig
import urllib.parse

# The newest Keras needs Python 3.11 or later; the newest TensorFlow has
# installers up to Python 3.13.
PYTHON_MIN = (3, 11)
PYTHON_MAX = (3, 13)

# Index addresses that old guides give and that should no longer be used.
OLD_INDEXES = {
    "pypi.douban.com": "douban",
    "pypi.doubanio.com": "douban",
    "pypi.mirrors.ustc.edu.cn": "ustc_moved",
    "www.lfd.uci.edu": "gohlke",
}


# --- 1. Python --------------------------------------------------------------


def check_python(version, bits):
    """version: (major, minor, micro); bits: 32 or 64."""
    values = {
        "version": ".".join(map(str, version)),
        "low": "%d.%d" % PYTHON_MIN,
        "high": "%d.%d" % PYTHON_MAX,
    }
    if bits != 64:
        return [("fail", "python_32bit", values)]
    if tuple(version[:2]) < PYTHON_MIN:
        return [("fail", "python_too_old", values)]
    if tuple(version[:2]) > PYTHON_MAX:
        return [("fail", "python_too_new", values)]
    return [("ok", "python_ok", values)]


# --- 2. Operating system ----------------------------------------------------


def check_os(system, release, machine):
    values = {"system": system, "release": release, "machine": machine}
    if system == "Linux" and "microsoft" in release.lower():
        return [("ok", "os_wsl", values)]
    found = [("ok", "os", values)]
    if system == "Windows":
        found.append(("info", "os_windows_gpu", {}))
    if system == "Darwin":
        if machine == "x86_64":
            found.append(("warn", "os_mac_intel", {}))
        found.append(("info", "os_mac_gpu", {}))
    return found


# Windows on ARM: the machine (IMAGE_FILE_MACHINE_*) as IsWow64Process2 names it.
WINDOWS_MACHINES = {0x014C: "x86", 0x8664: "AMD64", 0xAA64: "ARM64"}
PYTHON_BUILDS = {"win32": "x86", "win-amd64": "AMD64", "win-arm64": "ARM64"}


def windows_architectures():
    """(this Python's build, the computer's CPU) on Windows, e.g. ("AMD64", "ARM64")
    for an x64 Python that Windows on ARM emulates; None on other systems."""
    if sys.platform != "win32":
        return None
    python = PYTHON_BUILDS.get(sysconfig.get_platform(), sysconfig.get_platform())
    native = None
    try:  # Windows 10 1709 and later: the native CPU even for an emulated process
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32")
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        kernel32.IsWow64Process2.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.USHORT), ctypes.POINTER(wintypes.USHORT)]
        process, machine = wintypes.USHORT(), wintypes.USHORT()
        if kernel32.IsWow64Process2(kernel32.GetCurrentProcess(), ctypes.byref(process), ctypes.byref(machine)):
            native = WINDOWS_MACHINES.get(machine.value)
    except (OSError, AttributeError):
        pass
    return python, native or platform.machine()


def check_windows_arm(architectures):
    """architectures: what windows_architectures() found (None off Windows)."""
    if not architectures or architectures[1].upper() != "ARM64":
        return []
    values = {"high": "%d.%d" % PYTHON_MAX}
    if architectures[0] == "ARM64":
        return [("warn", "windows_arm64_native", values)]
    if architectures[0] == "AMD64":
        return [("info", "windows_arm64_emulated", values)]
    return []  # a 32-bit Python: check_python already fails it


# --- 3. The pip index in effect ---------------------------------------------


def pip_config():
    """pip's own view of its settings: `pip config list` as {key: value}, or an error string."""
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "config", "list"],
            capture_output=True, text=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        return lines[-1] if lines else "exit code %d" % result.returncode
    config = {}
    for line in result.stdout.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            try:
                config[key.strip()] = ast.literal_eval(value.strip())
            except (ValueError, SyntaxError):
                config[key.strip()] = value.strip()
    return config


def effective(config, name):
    """The value pip uses for an option, and where it comes from: an
    environment variable beats the [install] section, which beats [global]."""
    for key, source in (
        (":env:." + name, "PIP_" + name.upper().replace("-", "_")),
        ("install." + name, "pip config install." + name),
        ("global." + name, "pip config global." + name),
    ):
        if config.get(key):
            return config[key], source
    return None, None


def check_pip_index(config):
    if isinstance(config, str):
        return [("warn", "pip_missing", {"error": config})]
    found = []
    url, source = effective(config, "index-url")
    if url is None:
        found.append(("info", "pip_index_default", {}))
    else:
        found.append(("ok", "pip_index", {"url": url, "source": source}))
    extra, extra_source = effective(config, "extra-index-url")
    if extra:
        found.append(("info", "pip_extra_index", {"url": extra, "source": extra_source}))
    for address in ([url] if url else []) + (extra.split() if extra else []):
        host = urllib.parse.urlsplit(address).hostname or ""
        if host in OLD_INDEXES:
            found.append(("warn", "pip_index_" + OLD_INDEXES[host], {"url": address}))
        elif address.startswith("http://"):
            found.append(("warn", "pip_index_http", {"url": address}))
    return found

