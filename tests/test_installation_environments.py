"""The installation page's commands for Python and its environments (venv,
conda, the Windows launcher) and for the NVIDIA card. Those for Windows, conda
and the card cannot run on this Linux machine without a card: each test proves
what can be proved here, and says what is only emulated."""

from __future__ import annotations

import errno
import json
import re
import sys
import sysconfig
import venv
from pathlib import Path
from unittest import mock

import pytest
from pip._internal.commands import install as pip_install

from doctor import keras_setup, system  # tools/doctor/, the check script's own checks
from harness import GENERATED
from harness.pages import ROOT
from harness.lessons import environment, run
from install_pages import promised_output, section_lines
from shell import Command, Commands, checked, commands, earlier_in_block, later_in_block, on_its_page, shown


def make_venv(folder: Path) -> None:
    """`python -m venv .venv`, for real, in ``folder``."""
    run([sys.executable, "-m", "venv", ".venv"], cwd=folder, check=True)
    made = folder / ".venv"
    assert (made / "pyvenv.cfg").is_file() and (made / "bin" / "pip").exists()
    assert (made / "bin" / "Activate.ps1").is_file()  # also made on Windows, in Scripts\


@pytest.mark.parametrize("same", commands(r"(python3?|py -3\.\d+) -m venv \.venv", key=lambda cmd: "-m venv .venv"))
def test_making_a_virtual_environment(same: Commands, tmp_path):
    """`-m venv .venv` runs, once for all its blocks, with this machine's Python
    (for the Windows launcher's `py -3.X` too, whose version is checked below)."""
    make_venv(tmp_path)


@pytest.mark.parametrize("twins", commands(r"source \.venv/bin/activate"))
def test_activating_it_in_bash(twins: Commands, tmp_path):
    """In bash, after sourcing it, `python` is the virtual environment's."""
    run([sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=tmp_path, check=True, timeout=120)
    result = run(
        ["bash", "-c", twins[0].text + ' && python -c "import sys; print(sys.prefix)"'],
        cwd=tmp_path, timeout=60, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert result.stdout.strip() == str(tmp_path / ".venv"), result.stdout + result.stderr


@pytest.mark.parametrize("twins", commands(r"\.venv\\Scripts\\Activate\.ps1"))
def test_activating_it_in_powershell(twins: Commands):
    """PowerShell cannot run here. What is proved: venv puts its scripts in
    `Scripts` on Windows and ships Activate.ps1 in every virtual environment."""
    scripts = sysconfig.get_path("scripts", "nt", vars={"base": ".venv", "platbase": ".venv"})
    assert Path(scripts).name == "Scripts", scripts
    assert (Path(venv.__file__).parent / "scripts" / "common" / "Activate.ps1").is_file()


def check_in_window(cmd: Command, version: str) -> None:
    parsed = tuple(int(n) for n in version.split("."))
    assert system.PYTHON_MIN <= parsed <= system.PYTHON_MAX, (
        f"{cmd.where}: Python {version} is outside the check script's window "
        f"{system.PYTHON_MIN}..{system.PYTHON_MAX}"
    )


def check_conda_create(cmd: Command) -> None:
    """conda is not installed here. What is proved: it asks for Python only, at
    a version inside the window the check script accepts."""
    assert len(cmd.argv) == 5, f"{cmd.where}: conda should install Python only, not {cmd.argv[4:]}"
    check_in_window(cmd, cmd.argv[-1].split("=", 1)[1])


def check_conda_activate(cmd: Command) -> None:
    """conda is not installed here; the name must be the one created just before."""
    created = [text.split()[3] for text in earlier_in_block(cmd) if text.startswith("conda create -n ")]
    assert cmd.argv[-1] in created, f"{cmd.where}: no `conda create -n {cmd.argv[-1]}` before it"


PY_MAKE_VENV = r"py -3\.\d+ -m venv \.venv"


def check_py_install(cmd: Command) -> None:
    """The Python install manager cannot run here. What is proved: the version
    is inside the check script's PYTHON_MIN..PYTHON_MAX window, and it is the
    version the page's `py -X.Y -m venv` later makes the environment with."""
    version = cmd.argv[-1]
    check_in_window(cmd, version)
    venvs = on_its_page(cmd, PY_MAKE_VENV)
    assert venvs and all(c.argv[1] == "-" + version for c in venvs), (
        f"{cmd.where}: the page installs {version} but makes its environment with {[c.text for c in venvs]}"
    )


def check_py_list(cmd: Command) -> None:
    """The launcher cannot run here. What is proved: the block installs a
    Python just before listing them, so the list the reader sees includes it."""
    assert any(re.fullmatch(r"py install 3\.\d+", text) for text in earlier_in_block(cmd)), (
        f"{cmd.where}: nothing before `py --list` in this block installs a Python"
    )


def check_py_make_venv(cmd: Command) -> None:
    """The launcher cannot run here. What is proved: the version is inside the
    check script's window, and the folder is the one the block then activates
    (`.venv\\Scripts\\Activate.ps1`); `-m venv .venv` itself runs above."""
    check_in_window(cmd, cmd.argv[1][1:])
    assert later_in_block(cmd)[:1] == [r".venv\Scripts\Activate.ps1"], (
        f"{cmd.where}: the block does not activate the environment it makes"
    )


@pytest.mark.parametrize("check, twins", checked({
    r"conda create -n [a-z0-9_-]+ python=3\.\d+": check_conda_create, r"conda activate [a-z0-9_-]+": check_conda_activate,
    r"py install 3\.\d+": check_py_install, r"py --list": check_py_list, PY_MAKE_VENV: check_py_make_venv,
}))
def test_a_conda_or_windows_launcher_command_is_what_the_page_says(check, twins: Commands):
    for cmd in twins:
        check(cmd)


LONG_PATHS = (r'New-ItemProperty -Path "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\FileSystem" -Name "LongPathsEnabled" '
              r"-Value 1 -PropertyType DWORD -Force")


@pytest.mark.parametrize("twins", commands(LONG_PATHS))
def test_allowing_long_paths_in_powershell(twins: Commands):
    """PowerShell and the registry cannot be reached here. What is proved: the
    key and value are the ones CPython's Windows documentation names
    (`LongPathsEnabled` = 1 under HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\FileSystem,
    quoted here), and pip's own message for a path over 260 characters on
    Windows (its WINDOWS flag patched) sends the reader to long-path support,
    as the page says."""
    documented = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\FileSystem"
    argv = twins[0].argv
    arguments = dict(zip(argv[1::2], argv[2::2]))
    assert arguments["-Path"] == documented.replace("HKEY_LOCAL_MACHINE", "HKLM:")
    assert (arguments["-Name"], arguments["-Value"], arguments["-PropertyType"]) == ("LongPathsEnabled", "1", "DWORD")
    long_path = "C:\\Users\\reader\\keras\\.venv\\Lib\\site-packages" + "\\tensorflow-folder" * 15 + "\\a.h"
    error = FileNotFoundError(errno.ENOENT, "No such file or directory", long_path)
    with mock.patch.object(pip_install, "WINDOWS", True):
        message = pip_install.create_os_error_message(error, False, False)
    assert "does not have Windows Long Path support enabled" in message, message


@pytest.mark.parametrize("twins", commands(r"nvidia-smi --query-gpu=name,compute_cap --format=csv"))
def test_the_compute_capability_the_page_states_is_tensorflows(twins: Commands):
    """There is no NVIDIA card here. What is proved: the lowest compute
    capability the installed TensorFlow was built for (its build info, as the
    check script reads it) is the one the page's section states."""
    build = keras_setup.tensorflow_build_info()
    lowest = min(int(re.sub(r"\D", "", arch)) for arch in build["cuda_compute_capabilities"])
    stated = f"{lowest // 10}.{lowest % 10}"
    for cmd in twins:
        text = " ".join(section_lines(cmd.fence.page.parent.name, "installation.md", "compute-capability"))
        assert f" {stated} " in text, f"{cmd.where}: TensorFlow's lowest compute capability is {stated}; the page does not say so"


GPU_RUN = ROOT.parent / "shared" / "reference" / "gpu-run-2026-11-30"  # see its README


@pytest.mark.parametrize("twins", commands(
    r'python -c "import torch; print\(torch\.cuda\.is_available\(\), torch\.cuda\.get_device_name\(0\)\)"'))
def test_the_torch_card_check_fails_here_as_the_page_says(twins: Commands):
    """There is no NVIDIA card here. What is proved: the command stops with
    the error that the page's section names for the torch found here (a CUDA
    build without a driver: "Found no NVIDIA driver"; a CPU-only build, as
    PyPI's for Windows: "Torch not compiled with CUDA enabled", which torch's
    own source raises for every CPU-only build); and the block promises `True`
    and the card that the install doctor (which asks
    torch.cuda.get_device_name too) named on the GPU run,
    ../shared/reference/gpu-run-2026-11-30/doctor-torch.txt, which the
    published GPU results (gpu.json) record too: checked in CI as well."""
    import torch

    cpu_only = "AssertionError: Torch not compiled with CUDA enabled"
    no_driver = "RuntimeError: Found no NVIDIA driver on your system."
    assert 'raise AssertionError("Torch not compiled with CUDA enabled")' in Path(torch.cuda.__file__).read_text(encoding="utf-8")
    result = run([sys.executable, "-c", twins[0].argv[-1]], env=environment())
    error = result.stderr.strip().splitlines()[-1]
    expected = cpu_only if torch.version.cuda is None else no_driver
    assert result.returncode != 0 and error.startswith(expected), result.stderr
    # The card, as the published results imported from that run record it (benchmarks/gpu.py), and as
    # the run's own doctor output names it, where the run's files are here (never in CI).
    published = json.loads((GENERATED / "choosing_a_backend" / "gpu.json").read_text(encoding="utf-8"))
    assert published["source"] == GPU_RUN.name, published["source"]
    card = published["machine"]["gpu"]
    doctor = GPU_RUN / "doctor-torch.txt"
    if doctor.is_file():
        assert re.search(r"\[ok\] +torch sees 1 GPU\(s\): (.+)", doctor.read_text(encoding="utf-8"))[1].strip() == card
    for cmd in twins:
        section = " ".join(line.strip() for line in section_lines(cmd.fence.page.parent.name, "installation.md", "gpu-windows-pytorch"))
        for named in (cpu_only, no_driver):
            assert f"`{named}`" in section, f"{cmd.where}: the section does not name the error {named!r}"
        assert promised_output(cmd.fence, cmd.text) == [f"True {card}"], f"{cmd.where}: the GPU run's card was {card}"
        assert f"`[ok]   torch sees 1 GPU(s): {card}`" in section, f"{cmd.where}: the section does not quote the doctor's line"


@pytest.mark.parametrize("check, command", [
    (check_conda_create, "conda create -n keras python=3.9"),  # outside the Python window
    (check_conda_create, "conda create -n keras python=3.12 numpy"),  # more than Python
    (check_py_install, "py install 3.14"),  # newer than TensorFlow supports
    (check_py_make_venv, "py -3.10 -m venv .venv"),  # older than Keras needs
    (check_py_list, "py --list"),  # nothing installed before it in its block
])
def test_environment_command_checks_can_fail(check, command):
    with pytest.raises(AssertionError):
        check(shown(command))
