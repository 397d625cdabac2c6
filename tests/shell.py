"""The shell commands the site shows, for the tests that check them.

A shell block is split into commands (comments dropped, ``\\``/`````
continuations joined). A test takes the commands it checks as its parameter,
``commands(pattern)``: the test lives beside what it checks (the installation
page's pip commands in tests/test_installation.py, a lesson's command in
tests/test_reader_road.py, ...). tests/test_docs.py reads those parameters
back: a command no test takes is a block no test covers, named with its page
and line.
"""

from __future__ import annotations

import importlib
import re
import shlex
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from harness.pages import DOCS, SHELL_LANGS, Fence, all_fences, parse_page

TESTS = Path(__file__).parent
# A lesson typed in PowerShell or cmd (a backslash in its path).
WINDOWS_LESSON = r"python examples\\[a-z0-9_]+\.py"


@dataclass(frozen=True)
class Command:
    fence: Fence
    text: str

    @property
    def where(self) -> str:
        return self.fence.where

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text)

    @property
    def at(self) -> tuple:
        """The command's place on the site: its page, block and text."""
        return self.fence.page, self.fence.line, self.text


class Commands(tuple):
    """Commands one test checks together: by default a command and its twin on
    the other language's page (the same block, tests/test_docs.py says so)."""


def commands_in(fence: Fence) -> list[Command]:
    commands, pending = [], ""
    for raw in fence.code.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith(("#", "REM ", "::"))):
            continue
        if line.endswith(("\\", "`")) and not line.endswith("``"):
            pending += line[:-1].rstrip() + " "
            continue
        commands.append(Command(fence, pending + line))
        pending = ""
    if pending:
        commands.append(Command(fence, pending.strip()))
    return commands


@cache
def site_commands() -> list[Command]:
    return [c for f in all_fences() if f.lang in SHELL_LANGS for c in commands_in(f)]


def twins(cmd: Command):
    return cmd.fence.page.name, cmd.fence.code, cmd.text


def commands(pattern: str, key=twins) -> list:
    """pytest parameters: the site's commands that match ``pattern`` in full,
    grouped by ``key`` (twins: one test checks a block in both languages)."""
    groups: dict = {}
    for cmd in site_commands():
        if re.fullmatch(pattern, cmd.text):
            groups.setdefault(key(cmd), []).append(cmd)
    return [pytest.param(Commands(group), id=f"{group[0].fence.page.stem}-{group[0].fence.line}")
            for group in groups.values()]


def checked(checks: dict) -> list:
    """pytest parameters ``check, commands`` for a table {pattern: check}."""
    return [pytest.param(check, *param.values, id=f"{check.__name__}-{param.id}")
            for pattern, check in checks.items() for param in commands(pattern)]


def taken_by_tests() -> set[tuple]:
    """Where (Command.at) each command is that some test in tests/ takes as a parameter."""
    tests = [test for path in sorted(TESTS.glob("test_*.py"))
             for name, test in vars(importlib.import_module(path.stem)).items() if name.startswith("test_")]
    params = [param for test in tests for mark in getattr(test, "pytestmark", []) if mark.name == "parametrize"
              for param in mark.args[1]]
    return {cmd.at for param in params for group in getattr(param, "values", ()) if isinstance(group, Commands)
            for cmd in group}


def shown(command: str, promised=(), lang="bash", page="installation.md") -> Command:
    """A command as if a page showed it in a block of its own, with its ``# ->`` lines."""
    fence = Fence(DOCS / "zh" / page, 1, "", lang, [command] + [f"# -> {line}" for line in promised])
    (cmd,) = commands_in(fence)
    return cmd


def later_in_block(cmd: Command) -> list[str]:
    texts = [c.text for c in commands_in(cmd.fence)]
    return texts[texts.index(cmd.text) + 1 :]


def earlier_in_block(cmd: Command) -> list[str]:
    texts = [c.text for c in commands_in(cmd.fence)]
    return texts[: texts.index(cmd.text)]


def on_its_page(cmd: Command, pattern: str) -> list[Command]:
    """Every command on cmd's page (in page order) that matches pattern."""
    found = [c for f in parse_page(cmd.fence.page).fences if f.lang in SHELL_LANGS for c in commands_in(f)]
    return [c for c in found if re.fullmatch(pattern, c.text)]


def block_environment(cmd: Command) -> dict:
    """Environment variables set (the PowerShell or cmd way) before cmd in its block."""
    env = {}
    for earlier in earlier_in_block(cmd):
        match = re.fullmatch(r'\$env:(\w+) = "([^"]*)"|set (\w+)=(\S*)', earlier)
        if match:
            name, value = (match[1], match[2]) if match[1] else (match[3], match[4])
            env[name] = value
    return env


def paragraph_after(cmd: Command) -> str:
    """The text of the page right after cmd's block, up to the next block."""
    lines = cmd.fence.page.read_text(encoding="utf-8").splitlines()[cmd.fence.line + len(cmd.fence.body) + 1 :]
    following = []
    for line in lines:
        if line.strip().startswith("```"):
            break
        following.append(line.strip())
    return " ".join(following)
