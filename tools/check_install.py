"""Check a Keras install, step by step, and say how to fix what is wrong.

    python check_install.py              # check this computer
    python check_install.py --network    # also check that the download hosts answer
    python check_install.py --lang en    # messages in English (or --lang zh)

It checks, in this order: Python's version and bitness; the operating system
(and, on Windows on ARM, whether this Python runs natively or emulated);
which pip index is in effect; which of Keras, TensorFlow, JAX and PyTorch are
installed; the Keras backend and whether it imports; the GPUs it sees (and,
for TensorFlow, the CUDA and cuDNN versions it was built with); the
Fashion-MNIST files in the Keras cache; and, only with --network, whether
storage.googleapis.com and the pip mirrors answer.

It needs nothing but Python itself, and changes nothing on the computer.
It exits with 1 only when something would stop the guide's examples.
"""

import argparse
import ast
import gzip
import hashlib
import json
import locale
import os
import platform
import struct
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

# The newest Keras needs Python 3.11 or later; the newest TensorFlow has
# installers up to Python 3.13.
PYTHON_MIN = (3, 11)
PYTHON_MAX = (3, 13)
BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}  # backend -> pip package
INFERENCE_ONLY = ("openvino", "numpy")

# Current domestic mirrors, the same as the table on the installation page.
MIRRORS = {
    "TUNA": "https://pypi.tuna.tsinghua.edu.cn/simple",
    "USTC": "https://mirrors.ustc.edu.cn/pypi/simple",
    "BFSU": "https://mirrors.bfsu.edu.cn/pypi/web/simple",
    "Aliyun": "https://mirrors.aliyun.com/pypi/simple",
    "Tencent Cloud": "https://mirrors.cloud.tencent.com/pypi/simple",
}
# Index addresses that old guides give and that should no longer be used.
OLD_INDEXES = {
    "pypi.douban.com": "douban",
    "pypi.doubanio.com": "douban",
    "pypi.mirrors.ustc.edu.cn": "ustc_moved",
    "www.lfd.uci.edu": "gohlke",
}
DATASET_HOST = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/train-labels-idx1-ubyte.gz"
TIMEOUT = 5  # seconds, for each host

# Decompressed size and SHA-256 of each Fashion-MNIST file (as install_fashion_mnist.py).
FASHION_MNIST = {
    "train-labels-idx1-ubyte.gz": (60008, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    "train-images-idx3-ubyte.gz": (47040016, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    "t10k-labels-idx1-ubyte.gz": (10008, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"),
    "t10k-images-idx3-ubyte.gz": (7840016, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
}

LABELS = {
    "zh": {"ok": "[正常]", "info": "[提示]", "warn": "[注意]", "fail": "[错误]"},
    "en": {"ok": "[ok]  ", "info": "[info]", "warn": "[warn]", "fail": "[FAIL]"},
}

MESSAGES = {
    "zh": {
        "title": "Keras 安装检查",
        "python_ok": "Python {version}，64 位",
        "python_32bit": "Python {version} 是 32 位的。TensorFlow 只有 64 位的安装包，pip 会报 No matching distribution found for tensorflow。\n    请到 python.org 安装 64 位的 Python {low} 到 {high}。",
        "python_too_old": "Python {version} 太旧。最新的 Keras 需要 Python {low} 或更新的版本。\n    请安装 Python {low} 到 {high}，再用它新建虚拟环境。",
        "python_too_new": "Python {version} 太新。最新的 TensorFlow 只支持到 Python {high}，pip 会报 No matching distribution found for tensorflow。\n    请安装 Python {low} 到 {high}，再用它新建虚拟环境。",
        "os": "操作系统：{system} {release}（{machine}）",
        "os_wsl": "操作系统：WSL2 里的 Linux（{machine}）。在 Windows 上用显卡运行 TensorFlow，官方推荐的就是这种方式。",
        "os_windows_gpu": "在原生 Windows 上，TensorFlow 从 2.11 起不再使用显卡。想用显卡，请在 WSL2 里安装。",
        "os_mac_gpu": "macOS 上的 TensorFlow 没有官方的显卡支持。本指南的例子用 CPU 就能运行。",
        "os_mac_intel": "这是 Intel 芯片的 Mac。TensorFlow 2.16.2 之后不再为它发布安装包，可以改用 JAX 或 PyTorch 后端。",
        "windows_arm64_native": "这是 ARM 处理器的 Windows，Python 也是 ARM 版的。PyPI 上没有给它的 TensorFlow、JAX 和 PyTorch 安装包，pip 会报 No matching distribution found。\n    请改用 WSL2（在里面按安装一章操作），或者装 x64 版的 Python：py install {high}-64，再用 py -V:{high}-64 -m venv .venv 建虚拟环境。",
        "windows_arm64_emulated": "这是 ARM 处理器的 Windows，这个 x64 版的 Python 由 Windows 的模拟器运行，会比原生的慢。\n    TensorFlow 需要 AVX 指令，要 Windows 11 24H2 或更新的版本并装好最新更新，模拟器才提供。导入 TensorFlow 失败的话，请改用 WSL2。",
        "pip_missing": "无法运行 pip（{error}）。安装软件包需要它，请检查：python -m pip --version",
        "pip_index_default": "pip 的软件源：PyPI 官方（https://pypi.org/simple）。在中国大陆下载慢的话，可以换国内镜像。",
        "pip_index": "pip 的软件源：{url}（{source}）",
        "pip_extra_index": "pip 的附加软件源：{url}（{source}）",
        "pip_index_http": "pip 的软件源 {url} 用的是 http。pip 不信任 http 的源，会跳过它。\n    请换成 https 地址。",
        "pip_index_douban": "pip 的软件源 {url} 是豆瓣的旧地址，豆瓣镜像已经不再维护。\n    请换成安装一章表格里的镜像，或者撤销：pip config unset global.index-url",
        "pip_index_ustc_moved": "pip 的软件源 {url} 是中科大镜像的旧地址。\n    新地址是 https://mirrors.ustc.edu.cn/pypi/simple",
        "pip_index_gohlke": "pip 的软件源 {url} 是 Gohlke 的网页。它从来不是 pip 的软件源，而且 2022 年已经停止更新。\n    请换成安装一章表格里的镜像，或者撤销：pip config unset global.index-url",
        "package": "{name} {version}",
        "package_missing": "没有安装 {name}（只有用 {name} 后端时才需要）",
        "keras_missing": "没有安装 keras。运行：pip install keras",
        "keras_2": "keras {version} 是 Keras 2，本指南需要 Keras 3。运行：pip install --upgrade keras",
        "keras_json_invalid": "{path} 不是合法的 JSON。Keras 会悄悄忽略这个文件，改用默认的 tensorflow 后端。",
        "backend_ok": "后端：{backend}（{source}），可以导入，Keras {version}",
        "backend_unknown": "后端 {backend}（{source}）不是 Keras 3 的后端。Theano 和 CNTK 早已不再支持。\n    请改成 tensorflow、jax 或 torch。",
        "backend_inference_only": "后端 {backend}（{source}）只能做推理，不能训练，本指南的例子用不了。\n    请改成 tensorflow、jax 或 torch。",
        "backend_failed": "后端 {backend}（{source}）导入失败：\n    {error}",
        "backend_not_installed": "没有安装 {package}。安装它：pip install {package}\n    或者把 KERAS_BACKEND 设成已经装好的后端。",
        "backend_timeout": "导入 Keras 超过 {seconds} 秒还没有完成。",
        "source_default": "默认值",
        "source_from": "来自 {}",
        "gpu_none": "{backend} 没有找到 GPU。本指南的例子在 CPU 上就能运行。",
        "gpu_found": "{backend} 找到了 {count} 个 GPU：{names}",
        "tf_build_cuda": "TensorFlow 编译时用的是 CUDA {cuda}、cuDNN {cudnn}",
        "tf_build_cpu": "这个 TensorFlow 是不带 CUDA 的版本，只用 CPU",
        "dataset_ok": "Fashion-MNIST：缓存 {path} 里的四个文件都完好",
        "dataset_missing": "Fashion-MNIST：缓存 {path} 里缺少 {count} 个文件。第一次用到它时，Keras 会从 storage.googleapis.com 下载，在中国大陆常常失败。\n    如果已经有这四个文件：python examples/install_fashion_mnist.py 文件夹路径",
        "dataset_bad": "Fashion-MNIST：{name} 已损坏（{problem}）。Keras 不会检查它，也不会重新下载，load_data() 会出错。\n    删掉这个文件，或者用 install_fashion_mnist.py 重新放一份完好的。",
        "bad_gzip": "不是完整的 gzip 文件",
        "bad_size": "解压后 {actual} 字节，应为 {expected} 字节",
        "bad_hash": "内容的 SHA-256 不对",
        "network_skipped": "没有检查网络。加上 --network，可以检查 storage.googleapis.com 和各个镜像能不能连上。",
        "network_ok": "{name} 有回应（{ms} 毫秒）",
        "network_failed": "{name} 没有回应（{error}）",
        "dataset_blocked": "Fashion-MNIST 不在缓存里，storage.googleapis.com 又连不上，用到它的例子没法运行。\n    请按首页的说明，用 install_fashion_mnist.py 把四个文件放进缓存。",
        "summary_ok": "结论：没有发现会妨碍本指南例子运行的问题。",
        "summary_fail": "结论：有 {count} 个问题会妨碍例子运行，请先按上面 [错误] 行的提示处理。",
    },
    "en": {
        "title": "Keras install check",
        "python_ok": "Python {version}, 64-bit",
        "python_32bit": "Python {version} is 32-bit. TensorFlow has 64-bit installers only, so pip says No matching distribution found for tensorflow.\n    Install 64-bit Python {low} to {high} from python.org.",
        "python_too_old": "Python {version} is too old. The newest Keras needs Python {low} or later.\n    Install Python {low} to {high} and make a new virtual environment with it.",
        "python_too_new": "Python {version} is too new. The newest TensorFlow supports up to Python {high}, so pip says No matching distribution found for tensorflow.\n    Install Python {low} to {high} and make a new virtual environment with it.",
        "os": "Operating system: {system} {release} ({machine})",
        "os_wsl": "Operating system: Linux in WSL2 ({machine}). This is the officially recommended way to use a GPU with TensorFlow on Windows.",
        "os_windows_gpu": "On native Windows, TensorFlow has not used the GPU since 2.11. For the GPU, install it in WSL2.",
        "os_mac_gpu": "TensorFlow has no official GPU support on macOS. The guide's examples run fine on the CPU.",
        "os_mac_intel": "This is an Intel Mac. TensorFlow has published no installers for it after 2.16.2; use the JAX or PyTorch backend.",
        "windows_arm64_native": "This is Windows on ARM, with an ARM Python. PyPI has no installers of TensorFlow, JAX or PyTorch for it, so pip says No matching distribution found.\n    Use WSL2 (and follow the installation chapter inside it), or install the x64 Python: py install {high}-64, then make the virtual environment with py -V:{high}-64 -m venv .venv",
        "windows_arm64_emulated": "This is Windows on ARM; this x64 Python runs through Windows' emulator, slower than natively.\n    TensorFlow needs AVX instructions, which the emulator offers only on Windows 11 24H2 or later, fully updated. If TensorFlow fails to import, use WSL2.",
        "pip_missing": "Cannot run pip ({error}). You need it to install packages; check with: python -m pip --version",
        "pip_index_default": "pip index: PyPI itself (https://pypi.org/simple). If downloads are slow in mainland China, use a domestic mirror.",
        "pip_index": "pip index: {url} ({source})",
        "pip_extra_index": "pip extra index: {url} ({source})",
        "pip_index_http": "The pip index {url} uses http. pip does not trust an http index and skips it.\n    Use an https address.",
        "pip_index_douban": "The pip index {url} is Douban's old address; the Douban mirror is no longer maintained.\n    Use a mirror from the table in the installation chapter, or undo it: pip config unset global.index-url",
        "pip_index_ustc_moved": "The pip index {url} is USTC's old address.\n    The new one is https://mirrors.ustc.edu.cn/pypi/simple",
        "pip_index_gohlke": "The pip index {url} is Gohlke's web page. It was never a pip index, and it stopped being updated in 2022.\n    Use a mirror from the table in the installation chapter, or undo it: pip config unset global.index-url",
        "package": "{name} {version}",
        "package_missing": "{name} is not installed (needed only for the {name} backend)",
        "keras_missing": "keras is not installed. Run: pip install keras",
        "keras_2": "keras {version} is Keras 2; this guide needs Keras 3. Run: pip install --upgrade keras",
        "keras_json_invalid": "{path} is not valid JSON. Keras silently ignores the file and uses the default backend, tensorflow.",
        "backend_ok": "Backend: {backend} ({source}), imports fine, Keras {version}",
        "backend_unknown": "The backend {backend} ({source}) is not a Keras 3 backend. Theano and CNTK are long gone.\n    Use tensorflow, jax or torch.",
        "backend_inference_only": "The backend {backend} ({source}) can run models but not train them, so the guide's examples cannot use it.\n    Use tensorflow, jax or torch.",
        "backend_failed": "The backend {backend} ({source}) failed to import:\n    {error}",
        "backend_not_installed": "{package} is not installed. Install it: pip install {package}\n    or set KERAS_BACKEND to a backend you have installed.",
        "backend_timeout": "Importing Keras took more than {seconds} seconds.",
        "source_default": "the default",
        "source_from": "from {}",
        "gpu_none": "{backend} sees no GPU. The guide's examples run fine on the CPU.",
        "gpu_found": "{backend} sees {count} GPU(s): {names}",
        "tf_build_cuda": "TensorFlow was built with CUDA {cuda} and cuDNN {cudnn}",
        "tf_build_cpu": "This TensorFlow is built without CUDA and uses the CPU only",
        "dataset_ok": "Fashion-MNIST: all four files in the cache {path} are intact",
        "dataset_missing": "Fashion-MNIST: {count} file(s) missing from the cache {path}. Keras downloads them from storage.googleapis.com on first use, which often fails in mainland China.\n    If you have the four files: python examples/install_fashion_mnist.py FOLDER",
        "dataset_bad": "Fashion-MNIST: {name} is damaged ({problem}). Keras neither checks it nor downloads it again, so load_data() fails.\n    Delete the file, or put a good copy in place with install_fashion_mnist.py.",
        "bad_gzip": "not a complete gzip file",
        "bad_size": "{actual} bytes decompressed instead of {expected}",
        "bad_hash": "wrong SHA-256 of the content",
        "network_skipped": "Network not checked. Add --network to check that storage.googleapis.com and the mirrors answer.",
        "network_ok": "{name} answers ({ms} ms)",
        "network_failed": "{name} does not answer ({error})",
        "dataset_blocked": "Fashion-MNIST is not in the cache and storage.googleapis.com does not answer, so the examples that use it cannot run.\n    Put the four files in the cache with install_fashion_mnist.py, as the home page explains.",
        "summary_ok": "Result: nothing found that would stop the guide's examples.",
        "summary_fail": "Result: {count} problem(s) would stop the examples; fix the [FAIL] lines above first.",
    },
}


def reader_language(choice=None):
    if choice:
        return choice
    names = [os.environ.get(k, "") for k in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")]
    try:
        names.append(str(locale.getlocale()[0] or ""))
    except ValueError:
        pass
    for name in names:
        if name.lower().startswith("zh") or "chinese" in name.lower():
            return "zh"
        if name and name not in ("C", "POSIX", "C.UTF-8"):
            return "en"
    return "en"


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


# --- 4. Installed packages --------------------------------------------------


def installed_versions():
    versions = {}
    for name, candidates in (
        ("keras", ["keras"]),
        ("tensorflow", ["tensorflow", "tensorflow-cpu"]),
        ("jax", ["jax"]),
        ("torch", ["torch"]),
    ):
        versions[name] = None
        for candidate in candidates:
            try:
                versions[name] = metadata.version(candidate)
                break
            except metadata.PackageNotFoundError:
                pass
    return versions


def check_packages(versions):
    found = []
    keras = versions.get("keras")
    if keras is None:
        found.append(("fail", "keras_missing", {}))
    elif not keras.startswith("3."):
        found.append(("fail", "keras_2", {"version": keras}))
    else:
        found.append(("ok", "package", {"name": "keras", "version": keras}))
    for name in BACKENDS:
        if versions.get(name):
            found.append(("ok", "package", {"name": name, "version": versions[name]}))
        else:
            found.append(("info", "package_missing", {"name": name}))
    return found


# --- 5. The backend ---------------------------------------------------------


def backend_setting(environ, home):
    """The backend Keras will use and where that comes from, by Keras's own
    rules: the default is tensorflow, keras.json overrides it, and the
    environment variable KERAS_BACKEND overrides both."""
    keras_dir = environ["KERAS_HOME"] if "KERAS_HOME" in environ else os.path.join(home, ".keras")
    path = os.path.join(keras_dir, "keras.json")
    backend, source, notes = "tensorflow", None, []
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as f:
                config = json.load(f)
        except ValueError:
            config = {}
            notes.append(("warn", "keras_json_invalid", {"path": path}))
        if isinstance(config, dict) and config.get("backend"):
            backend, source = config["backend"], path
    if environ.get("KERAS_BACKEND"):
        backend, source = environ["KERAS_BACKEND"], "KERAS_BACKEND"
    return backend, source, notes


# Run in a separate Python, so that a crash while importing cannot stop the check.
PROBE = """
import json, keras
found = {"version": keras.__version__, "backend": keras.config.backend(), "gpus": []}
if found["backend"] == "tensorflow":
    import tensorflow as tf
    found["gpus"] = [d.name for d in tf.config.list_physical_devices("GPU")]
elif found["backend"] == "jax":
    import jax
    found["gpus"] = [d.device_kind for d in jax.devices() if d.platform == "gpu"]
elif found["backend"] == "torch":
    import torch
    found["gpus"] = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
print("CHECK_INSTALL " + json.dumps(found))
"""


def probe_keras(timeout=300):
    """Import Keras and its backend in a new Python; return what it found, or the error."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": timeout}
    for line in result.stdout.splitlines():
        if line.startswith("CHECK_INSTALL "):
            return json.loads(line[len("CHECK_INSTALL "):])
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    return {"error": lines[-1] if lines else "exit code %d" % result.returncode}


def check_backend(backend, source, probe):
    """probe: what probe_keras() found, or None when there was nothing to import."""
    values = {"backend": backend, "source": source}
    if backend in INFERENCE_ONLY:
        return [("fail", "backend_inference_only", values)]
    if backend not in BACKENDS:
        return [("fail", "backend_unknown", values)]
    if probe is None:
        return []
    if "timeout" in probe:
        return [("fail", "backend_timeout", {"seconds": probe["timeout"]})]
    if "error" in probe:
        found = [("fail", "backend_failed", dict(values, error=probe["error"]))]
        if "No module named '%s'" % BACKENDS[backend] in probe["error"]:
            found.append(("info", "backend_not_installed", {"package": BACKENDS[backend]}))
        return found
    return [("ok", "backend_ok", dict(values, version=probe["version"]))]


# --- 6. GPUs ----------------------------------------------------------------


def tensorflow_build_info():
    """TensorFlow's build_info.py, read as text: works even where TensorFlow fails to import."""
    try:
        path = metadata.distribution("tensorflow").locate_file("tensorflow/python/platform/build_info.py")
        text = Path(path).read_text(encoding="utf-8")
    except (metadata.PackageNotFoundError, OSError):
        return None
    start = text.find("OrderedDict(")
    if start < 0:
        return None
    try:
        return dict(ast.literal_eval(text[start + len("OrderedDict("):text.rindex(")")]))
    except (ValueError, SyntaxError):
        return None


def check_gpus(probe, build):
    """probe: what probe_keras() found (or None); build: TensorFlow's build info (or None)."""
    found = []
    if probe and "gpus" in probe:
        values = {"backend": probe["backend"], "count": len(probe["gpus"]), "names": ", ".join(probe["gpus"])}
        found.append(("ok", "gpu_found", values) if probe["gpus"] else ("info", "gpu_none", values))
    if build is not None:
        if build.get("is_cuda_build"):
            found.append(("info", "tf_build_cuda", {"cuda": build.get("cuda_version"), "cudnn": build.get("cudnn_version")}))
        else:
            found.append(("info", "tf_build_cpu", {}))
    return found


# --- 7. Fashion-MNIST in the Keras cache ------------------------------------


def keras_cache(environ, home):
    keras_dir = environ["KERAS_HOME"] if "KERAS_HOME" in environ else os.path.join(home, ".keras")
    return Path(keras_dir) / "datasets" / "fashion-mnist"


def check_dataset(cache):
    found, missing = [], 0
    for name, (size, digest) in FASHION_MNIST.items():
        path = cache / name
        if not path.is_file():
            missing += 1
            continue
        try:
            data = gzip.decompress(path.read_bytes())
        except (OSError, EOFError, zlib.error):
            found.append(("fail", "dataset_bad", {"name": name, "problem": ("bad_gzip", {})}))
            continue
        if len(data) != size:
            problem = ("bad_size", {"actual": len(data), "expected": size})
            found.append(("fail", "dataset_bad", {"name": name, "problem": problem}))
        elif hashlib.sha256(data).hexdigest() != digest:
            found.append(("fail", "dataset_bad", {"name": name, "problem": ("bad_hash", {})}))
    if missing:
        found.append(("warn", "dataset_missing", {"path": cache, "count": missing}))
    if not found:
        found.append(("ok", "dataset_ok", {"path": cache}))
    return found


# --- 8. The network (only with --network) -----------------------------------


def answers(url, timeout):
    """None if the host answers (any HTTP status will do), else the reason it does not."""
    start = time.monotonic()
    try:
        urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout).close()
    except urllib.error.HTTPError:
        pass  # the server answered, if only to refuse
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))
    return round((time.monotonic() - start) * 1000), None


def download_hosts():
    """Where the guide downloads from: the dataset's host, PyPI and each mirror."""
    hosts = {"storage.googleapis.com": DATASET_HOST, "pypi.org": "https://pypi.org/simple/keras/"}
    hosts.update({name: url + "/keras/" for name, url in MIRRORS.items()})
    return hosts


def check_hosts(hosts, timeout):
    """hosts: {name: url}. All are tried at once, each for at most `timeout` seconds."""
    with ThreadPoolExecutor(max_workers=len(hosts)) as pool:
        results = list(pool.map(lambda url: answers(url, timeout), hosts.values()))
    found = []
    for name, (ms, error) in zip(hosts, results):
        if error is None:
            found.append(("ok", "network_ok", {"name": name, "ms": ms}))
        else:
            found.append(("warn", "network_failed", {"name": name, "error": error}))
    return found


# --- Putting it together ----------------------------------------------------


def main(argv=None, facts=None):
    """facts: what to use instead of looking at this computer (for the tests)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", action="store_true", help="also check the download hosts")
    parser.add_argument("--lang", choices=sorted(MESSAGES))
    args = parser.parse_args(argv)
    language = reader_language(args.lang)
    messages, labels = MESSAGES[language], LABELS[language]
    facts = facts or {}

    def fact(name, find):
        return facts[name] if name in facts else find()

    levels = []

    def report(found):
        for level, key, values in found:
            values = dict(values)
            if isinstance(values.get("problem"), tuple):
                problem_key, problem_values = values["problem"]
                values["problem"] = messages[problem_key].format(**problem_values)
            if "source" in values:
                source = values["source"]
                values["source"] = messages["source_from"].format(source) if source else messages["source_default"]
            print(labels[level], messages[key].format(**values))
            levels.append(level)

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    print(messages["title"])
    report(check_python(fact("python", lambda: tuple(sys.version_info[:3])), fact("bits", lambda: struct.calcsize("P") * 8)))
    report(check_os(fact("system", platform.system), fact("release", platform.release), fact("machine", platform.machine)))
    report(check_windows_arm(fact("windows_architectures", windows_architectures)))
    report(check_pip_index(fact("pip_config", pip_config)))
    versions = fact("versions", installed_versions)
    report(check_packages(versions))

    environ = fact("environ", lambda: dict(os.environ))
    home = fact("home", lambda: os.path.expanduser("~"))
    backend, source, notes = backend_setting(environ, home)
    report(notes)
    can_import = versions.get("keras") and backend in BACKENDS
    probe = fact("probe", probe_keras) if can_import else None
    report(check_backend(backend, source, probe))
    report(check_gpus(probe, fact("tf_build", tensorflow_build_info) if versions.get("tensorflow") else None))

    cache = keras_cache(environ, home)
    dataset = check_dataset(cache)
    report(dataset)

    if args.network:
        network = check_hosts(fact("hosts", download_hosts), fact("timeout", lambda: TIMEOUT))
        report(network)
        google_down = ("warn", "storage.googleapis.com") in [(level, v["name"]) for level, _, v in network]
        if google_down and any(key == "dataset_missing" for _, key, _ in dataset):
            report([("fail", "dataset_blocked", {})])
    else:
        report([("info", "network_skipped", {})])

    failures = levels.count("fail")
    print(messages["summary_fail"].format(count=failures) if failures else messages["summary_ok"])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
