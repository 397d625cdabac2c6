"""Run a lesson as a reader does, and check what it prints.

``python examples/<stem>.py`` runs in its own process (Keras fixes its backend at the first import), in smoke
mode (SMOKE). A line ``# -> text`` under a statement that prints is the output the page promises: it must
appear, as a whole line and in file order, in what the run printed. A lesson says near its top what differs:
``# Keras backends: tensorflow``, ``# Keras stops under: jax`` (a one-line sys.exit, no traceback),
``# Keras processes: 2``, ``# Needs TensorFlow: ...``, and in its docstring ``Keras runs after: <stems>``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from harness import BACKENDS, ROOT

# The test command fills this cache with Fashion-MNIST; KERAS_HOME set by the caller wins.
KERAS_HOME = Path(os.environ.get("KERAS_HOME") or ROOT / ".cache" / "keras")
# Keras caps every fit(), evaluate() and predict() to one epoch of two steps; XLA compiles without
# optimising, since two steps never repay the time (the JAX lessons run a quarter faster).
SMOKE = {"KERAS_MAX_EPOCHS": "1", "KERAS_MAX_STEPS_PER_EPOCH": "2",
         "XLA_FLAGS": "--xla_backend_optimization_level=0"}
TIMEOUT = 300
# No lesson reaches another host: a request goes to a proxy where nothing answers, and fails loudly.
# Local addresses stay direct, for the coordinators of multi-process lessons.
OFFLINE = {**dict.fromkeys(("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"), "http://127.0.0.1:9"),
           **dict.fromkeys(("NO_PROXY", "no_proxy"), "127.0.0.1,localhost")}
EXPECTED = re.compile(r"^\s*# -> (?P<text>.*)$")
# A lesson runs as on a computer with its backend only (one_backend/sitecustomize.py), and TensorFlow when
# it imports TensorFlow or says it needs it.
ONE_BACKEND = Path(__file__).resolve().parent / "one_backend"
IMPORTS_TENSORFLOW = re.compile(r"^\s*(?:import|from) tensorflow\b", re.M)
NEEDS_TENSORFLOW = re.compile(r"^# Needs TensorFlow\b", re.M)


def header(path: Path, pattern: str) -> list[str]:
    """The comma-separated names after ``pattern`` near the lesson's top, or []."""
    match = re.search(rf"^{pattern}: (?P<names>[a-z0-9_, ]+)$", path.read_text(encoding="utf-8")[:2000], re.M)
    return [name.strip() for name in match["names"].split(",")] if match else []


def backend_names(path: Path, pattern: str) -> tuple[str, ...]:
    names = tuple(header(path, pattern))
    assert set(names) <= set(BACKENDS), f"{path.name} names unknown backends {set(names) - set(BACKENDS)}"
    return names


def backends_of(path: Path) -> tuple[str, ...]:
    """Every backend, unless the example names its own."""
    return backend_names(path, "# Keras backends") or BACKENDS


def stops_under(path: Path) -> tuple[str, ...]:
    """The backends under which the example stops with a message of its own."""
    return backend_names(path, "# Keras stops under")


def processes_of(path: Path) -> int:
    """How many processes the example runs as: 1 unless it says otherwise."""
    return int(next(iter(header(path, "# Keras processes")), 1))


def hide_other_backends(env, backend: str, needs_tensorflow: bool = False) -> None:
    """Make the backends other than ``backend`` (but TensorFlow if needed) unimportable for a Python
    started with ``env``."""
    hidden = [name for name in BACKENDS if name != backend and not (name == "tensorflow" and needs_tensorflow)]
    env["KERAS_GUIDE_HIDDEN"] = ",".join(hidden)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ONE_BACKEND), env.get("PYTHONPATH")]))


def imports_tensorflow(lesson: Path) -> bool:
    text = lesson.read_text(encoding="utf-8")
    return bool(IMPORTS_TENSORFLOW.search(text) or NEEDS_TENSORFLOW.search(text[:2000]))


# What in this process's environment would change what a reader's Python does.
NOT_THE_READERS = ("KERAS_BACKEND", "TF_CPP_MIN_LOG_LEVEL", "PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", *SMOKE)


def environment(pip_settings: bool = True, **values) -> dict:
    """The one environment builder: this process's environment without what would change what a reader
    sees (NOT_THE_READERS; and this machine's PIP_* settings, unless ``pip_settings``), with ``values``."""
    env = {k: v for k, v in os.environ.items()
           if k not in NOT_THE_READERS and (pip_settings or not k.startswith("PIP_"))}
    env.update(values)
    return env


def run(argv, timeout: int = TIMEOUT, check: bool = False, **options) -> subprocess.CompletedProcess:
    """The one way the tests run a command: what it prints captured as text, within ``timeout`` seconds;
    with ``check``, a failure stops the caller with what it printed. ``options`` go to subprocess.run."""
    result = subprocess.run([str(arg) for arg in argv], capture_output=True, text=True, timeout=timeout, **options)
    assert not check or result.returncode == 0, (
        f"{' '.join(map(str, argv))} failed ({result.returncode}):\n{(result.stdout + result.stderr)[-4000:]}")
    return result


def example_env(backend: str, tmp_path: Path, smoke: bool = True, needs_tensorflow: bool = False, **extra) -> dict:
    """The environment of one lesson run: its backend, smoke mode, no display, no other host (OFFLINE);
    no other backend, but TensorFlow if it ``needs_tensorflow``."""
    env = environment()
    hide_other_backends(env, backend, needs_tensorflow)
    if smoke:
        env.update(SMOKE)
    env.update(OFFLINE)
    env.update(KERAS_BACKEND=backend, KERAS_HOME=str(KERAS_HOME), MPLBACKEND="Agg",
               MPLCONFIGDIR=str(tmp_path / "matplotlib"), TF_CPP_MIN_LOG_LEVEL="2", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def check_expected(path: Path, stdout: str) -> None:
    """Each ``# ->`` line must match a later stdout line than the one before."""
    lines = [line.rstrip() for line in stdout.splitlines()]
    position = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not (match := EXPECTED.match(line)):
            continue
        try:
            position = lines.index(match["text"].rstrip(), position) + 1
        except ValueError:
            shown = "\n".join(lines[position:][:40])
            raise AssertionError(f"{path.name}:{number} promises the output line {match['text']!r}, "
                                 f"but the run printed (from there on):\n{shown}") from None


def check_stops(path: Path, backend: str, error: AssertionError) -> None:
    """A run that had to stop exited 1 with one short message naming the backend, and no traceback."""
    text = str(error)
    stderr = text.split("--- stderr ---\n", 1)[-1].strip()
    assert "exited with 1\n" in text, text[-3000:]
    assert "Traceback" not in stderr and stderr.count("\n") <= 1, \
        f"{path.name} under {backend} did not stop cleanly:\n{stderr[-3000:]}"
    assert backend in stderr.lower(), f"{path.name} under {backend} stopped without naming the backend: {stderr}"


def made_once(folder: Path, make) -> Path:
    """``folder``, made by ``make(folder)`` once for every process that asks (pytest's workers): the first
    makes it under a file lock, the others wait and reuse it. A make that fails is remembered: every later
    asker fails at once with its message, instead of making it again."""
    from filelock import FileLock

    done, failed = (folder.with_name(folder.name + end) for end in (".done", ".failed"))
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(f"{folder}.lock"):
        if not done.exists() and not failed.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                make(folder)
            except (AssertionError, subprocess.SubprocessError) as error:
                failed.write_text(str(error), encoding="utf-8")
            else:
                done.touch()
    if failed.exists():
        raise AssertionError(failed.read_text(encoding="utf-8"))
    return folder


def prepare_folder(path: Path, backend: str, workdir: Path, python: str = sys.executable,
                   lessons: Path | None = None, cache: Path | None = None, **env) -> None:
    """Make ``workdir`` what a reader's folder holds when they reach ``path``: the lessons it runs after
    (from ``lessons``, by default beside it) ran there, in smoke mode, and the zip's pictures are there.
    With ``cache``, a folder that several processes share, each earlier lesson runs once per backend,
    Python and environment (made_once), and what it left in its folder is copied into ``workdir``."""
    from harness.pictures import FOLDER, write_pictures

    stems = header(path, "Keras runs after")
    for stem in stems:
        lesson = (lessons or path.parent) / f"{stem}.py"
        if cache is None:
            run_lesson(lesson, backend, workdir, python=python, **env)
            continue
        key = hashlib.sha256(repr((lesson.read_text(encoding="utf-8"), backend, str(python), sorted(env.items())))
                             .encode()).hexdigest()[:16]
        ran = made_once(cache / f"{stem}-{backend}-{key}",
                        lambda folder: run_lesson(lesson, backend, folder, python=python, **env))
        shutil.copytree(ran, workdir, dirs_exist_ok=True)
    if stems:
        write_pictures(workdir / FOLDER)


def run_processes(path: Path, backend: str, workdir: Path, count: int, timeout: int = TIMEOUT) -> list[str]:
    """Run ``count`` copies at once, as in ``count`` terminals: one cluster on 127.0.0.1, process ids
    0..count-1. Returns each stdout; if one fails or hangs, stops the others at once (they would wait)."""
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    from harness.site import free_port

    address = f"127.0.0.1:{free_port()}"
    processes = []
    for process_id in range(count):
        folder = workdir / f"process-{process_id}"
        folder.mkdir()
        processes.append(start_lesson(path, backend, folder, KERAS_DISTRIBUTION_JOB_ADDRESSES=address,
                                      KERAS_DISTRIBUTION_NUM_PROCESSES=str(count),
                                      KERAS_DISTRIBUTION_PROCESS_ID=str(process_id)))
    with ThreadPoolExecutor(count) as pool:
        futures = [pool.submit(finish_lesson, process, path, backend, timeout) for process in processes]
        wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in futures if future.done() and future.exception()]
        if failed:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGKILL)
            raise failed[0].exception()
        return [future.result() for future in futures]


def start_lesson(path: Path, backend: str, workdir: Path, python: str = sys.executable, **env) -> subprocess.Popen:
    """``python <path>`` in ``workdir``, in its own process group (a time-out stops all it started);
    ``python`` is this one, or a reader's virtual environment's."""
    return subprocess.Popen([str(python), str(path)], cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=example_env(backend, workdir, needs_tensorflow=imports_tensorflow(path), **env),
                            text=True, start_new_session=True)


def finish_lesson(process: subprocess.Popen, path: Path, backend: str, timeout: int = TIMEOUT) -> str:
    """Wait for a started lesson; returns its stdout, or fails with its stderr."""
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        raise AssertionError(f"python {path.name} (KERAS_BACKEND={backend}) ran past {timeout} s\n{stderr[-3000:]}")
    if process.returncode != 0:
        raise AssertionError(f"python {path.name} (KERAS_BACKEND={backend}) exited with {process.returncode}\n"
                             f"--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{stderr[-5000:]}")
    return stdout


def run_lesson(path: Path, backend: str, workdir: Path, timeout: int = TIMEOUT, python: str = sys.executable,
               **env) -> str:
    """``python <path>`` in ``workdir``, as a reader runs it; returns stdout."""
    return finish_lesson(start_lesson(path, backend, workdir, python, **env), path, backend, timeout)
