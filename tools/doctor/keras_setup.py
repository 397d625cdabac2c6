"""Keras and its backends: the installed packages, the backend setting, whether
it imports (in a separate Python), and the GPUs it sees."""

import ast
import json
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

BACKENDS = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}  # backend -> pip package
INFERENCE_ONLY = ("openvino", "numpy")
# What the guide's examples import, besides the backends and Python's own
# modules: import name -> pip package. The doctor ships without the examples;
# tests/test_check_install.py checks that this is what examples/*.py import.
LESSON_PACKAGES = {"keras": "keras", "numpy": "numpy", "matplotlib": "matplotlib", "PIL": "pillow"}


# --- 4. Installed packages --------------------------------------------------


def installed_versions():
    versions = {}
    for name in [*LESSON_PACKAGES.values(), *BACKENDS.values()]:
        versions[name] = None
        for candidate in {"tensorflow": ["tensorflow", "tensorflow-cpu"]}.get(name, [name]):
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
    for name in LESSON_PACKAGES.values():
        if name == "keras":
            continue
        if versions.get(name):
            found.append(("ok", "package", {"name": name, "version": versions[name]}))
        else:
            found.append(("fail", "lesson_package_missing", {"name": name}))
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
    found["cuda"] = torch.version.cuda  # None: a CPU-only build (PyPI's for Windows)
    if torch.cuda.is_available():
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


def check_gpus(probe, build, system=None):
    """probe: what probe_keras() found (or None); build: TensorFlow's build info
    (or None); system: platform.system(). On Windows, PyPI's torch is a CPU-only
    build: with no GPU seen, the reader learns how to get the CUDA build."""
    found = []
    if probe and "gpus" in probe:
        values = {"backend": probe["backend"], "count": len(probe["gpus"]), "names": ", ".join(probe["gpus"])}
        found.append(("ok", "gpu_found", values) if probe["gpus"] else ("info", "gpu_none", values))
        if not probe["gpus"] and probe["backend"] == "torch" and "cuda" in probe and probe["cuda"] is None and system == "Windows":
            found.append(("info", "torch_build_cpu", {}))
    if build is not None:
        if build.get("is_cuda_build"):
            found.append(("info", "tf_build_cuda", {"cuda": build.get("cuda_version"), "cudnn": build.get("cudnn_version")}))
        else:
            found.append(("info", "tf_build_cpu", {}))
    return found

