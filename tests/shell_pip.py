"""Shell kinds: pip, its configuration and installs (tests/shell_commands.py)."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

from packaging.requirements import Requirement
from pip._internal.commands import create_command

from install_pages import isolated_pip, mirrors, pip, promised_output, section_lines
from shell_commands import Command, _in_block, _once, _page_commands, command

# --- installation and verification pages ----------------------------------
# Commands a reader runs to install, configure pip and check the install. Each
# check runs the command (in a temporary folder, against an isolated home), or,
# for Windows and conda commands that cannot run here, proves what can be
# proved here and says what is only emulated.


_PIP = r"(?:python3? -m )?pip"
_SET_INDEX = _PIP + r" config set global\.index-url https://\S+"


def _apply_page_settings(cmd: Command, env: dict) -> str:
    """Run the page's own `pip config set` command(s); return the URL set last."""
    sets = _page_commands(cmd, _SET_INDEX)
    assert sets, f"{cmd.where}: {cmd.text!r} reads a setting no `pip config set` on this page writes"
    for setting in sets:
        pip(setting.argv, env, check=True)
    return sets[-1].argv[-1]


def _config_lines(env: dict) -> set[str]:
    return set(pip(["pip", "config", "list"], env, check=True).stdout.splitlines())


@command("pip: make a mirror the default", _SET_INDEX)
@_once(_in_block)
def pip_config_set(cmd: Command) -> None:
    """In an isolated home: it writes the user's file, pip reads the URL back,
    and `unset` removes it again. The URL must be HTTPS and in the mirror table."""
    url = cmd.argv[-1]
    assert url in mirrors(), f"{cmd.where}: {url} is not in the mirror table on the installation page"
    with isolated_pip() as (env, home):
        result = pip(cmd.argv, env, check=True)
        user_file = home / ".config" / "pip" / "pip.conf"
        assert result.stdout.startswith(f"Writing to {user_file}"), result.stdout
        assert f"index-url = {url}" in user_file.read_text().splitlines(), user_file.read_text()
        assert pip(["pip", "config", "get", "global.index-url"], env, check=True).stdout.strip() == url
        pip(["pip", "config", "unset", "global.index-url"], env, check=True)
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0
        # The page warns that a misspelt section is accepted silently: it is.
        typo = pip(["pip", "config", "set", "gloabl.index-url", url], env)
        assert typo.returncode == 0, typo.stderr
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0


@command("pip: read the index setting", _PIP + r" config get global\.index-url")
@_once(_in_block)
def pip_config_get(cmd: Command) -> None:
    """Fails while nothing is set; after the page's own `set`, prints what the page promises."""
    with isolated_pip() as (env, _):
        unset = pip(cmd.argv, env)
        assert unset.returncode != 0 and "No such key" in unset.stderr, unset.stderr
        url = _apply_page_settings(cmd, env)
        printed = pip(cmd.argv, env, check=True).stdout.splitlines()
        assert printed == [url]
        assert printed == promised_output(cmd.fence, cmd.text), f"{cmd.where}: the page promises other output"


@command("pip: list the settings in effect", _PIP + r" config list")
@_once(_in_block)
def pip_config_list(cmd: Command) -> None:
    """What the page's `set` adds is exactly the line the page promises; an
    index set by PIP_INDEX_URL shows as :env:.index-url, as the page says."""
    with isolated_pip() as (env, _):
        before = _config_lines(env)  # this machine's global files, which pip always reads
        url = _apply_page_settings(cmd, env)
        added = set(pip(cmd.argv, env, check=True).stdout.splitlines()) - before
        assert added == {f"global.index-url='{url}'"}, added
        promised = promised_output(cmd.fence, cmd.text)
        assert promised and set(promised) <= added, f"{cmd.where}: promises {promised}, pip added {added}"
        with_variable = dict(env, PIP_INDEX_URL=url)
        assert f":env:.index-url='{url}'" in pip(cmd.argv, with_variable, check=True).stdout.splitlines()


@command("pip: undo the mirror", _PIP + r" config unset global\.index-url")
@_once(_in_block)
def pip_config_unset(cmd: Command) -> None:
    """After the page's `set`, this removes the setting, and pip is back to its defaults."""
    with isolated_pip() as (env, home):
        before = _config_lines(env)
        _apply_page_settings(cmd, env)
        assert _config_lines(env) != before
        pip(cmd.argv, env, check=True)
        assert _config_lines(env) == before
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0
        assert "index-url" not in (home / ".config" / "pip" / "pip.conf").read_text()


@command("pip: show the files pip reads", _PIP + r" config debug")
@_once(_in_block)
def pip_config_debug(cmd: Command) -> None:
    """It names the Linux user file of the page's table, ~/.config/pip/pip.conf,
    and shows the page's setting in it."""
    table = "\n".join(section_lines("en", "installation.md", "pip-config-file"))
    assert "| Linux | `~/.config/pip/pip.conf` |" in table
    with isolated_pip() as (env, home):
        url = _apply_page_settings(cmd, env)
        lines = [line.strip() for line in pip(cmd.argv, env, check=True).stdout.splitlines()]
        user_file = f"{home / '.config' / 'pip' / 'pip.conf'}, exists: True"
        assert user_file in lines, lines
        assert lines[lines.index(user_file) + 1] == f"global.index-url: {url}", lines


# PyTorch's own indexes for its CUDA builds (docs/*/installation.md#gpu-windows-pytorch), as documented:
# PyTorch 2.14 ships CUDA 12.6, 13.0 and 13.2 builds (pytorch/pytorch#190355, #194367), each on
# download.pytorch.org/whl/cuXXX (pytorch.org/get-started/previous-versions: "--index-url
# https://download.pytorch.org/whl/cu130"). The NJU mirror's path is from
# pengwee.wang/blog/how-to-install-torch-elegantly and is untested, as the page says.
PYTORCH_INDEXES = {
    "https://download.pytorch.org/whl/cu126": "documented",
    "https://download.pytorch.org/whl/cu130": "documented",
    "https://mirrors.nju.edu.cn/pytorch/whl/cu130": "untested",
}


@command("install packages with pip", _PIP + r" install(?![^|&;]* -r )(?: [^|&;<>]+)")
def pip_install_packages(cmd: Command) -> None:
    """Parsed by pip's own option parser; every requirement names a package the
    guide uses (an extra must exist in the installed package), and any index
    is HTTPS and in the mirror table, or one of PyTorch's CUDA indexes above
    (then only torch, from that index alone; an untested one said so on the page)."""
    argv = cmd.argv
    options, args = create_command("install", isolated=True).parse_args(argv[argv.index("install") + 1 :])
    assert args, f"{cmd.where}: {cmd.text!r} installs nothing"
    for arg in args:
        requirement = Requirement(arg)
        assert requirement.name in {"tensorflow", "keras", "jax", "torch", "pip"}, (
            f"{cmd.where}: {requirement.name} is not a package this guide installs"
        )
        if requirement.name != "pip":
            provided = set(metadata.metadata(requirement.name).get_all("Provides-Extra") or [])
            assert requirement.extras <= provided, f"{cmd.where}: {requirement.name} has no extra {requirement.extras}"
    if options.index_url in PYTORCH_INDEXES:
        assert args == ["torch"] and not options.extra_index_urls, f"{cmd.where}: {cmd.text!r}"
        if PYTORCH_INDEXES[options.index_url] == "untested":
            paragraph = _paragraph_after(cmd)
            assert "没有测试过" in paragraph or "untested" in paragraph, f"{cmd.where}: the page must say it is untested"
        return
    for url in [options.index_url, *options.extra_index_urls]:
        if url != "https://pypi.org/simple":  # pip's default
            assert url in mirrors(), f"{cmd.where}: index {url} is not in the mirror table"


def _paragraph_after(cmd: Command) -> str:
    """The text of the page right after cmd's block, up to the next block."""
    lines = cmd.fence.page.read_text(encoding="utf-8").splitlines()[cmd.fence.line + len(cmd.fence.body) + 1 :]
    following = []
    for line in lines:
        if line.strip().startswith("```"):
            break
        following.append(line.strip())
    return " ".join(following)


@command("show Python's version", r"python3? --version")
def python_version(cmd: Command) -> None:
    result = subprocess.run([sys.executable, "--version"], capture_output=True, text=True, timeout=60)
    assert re.fullmatch(r"Python 3\.\d+\.\d+\s*", result.stdout), result.stdout


