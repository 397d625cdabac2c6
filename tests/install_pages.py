"""What the tests of the installation, verification and error pages share.

The mirror table on the installation page is the one list of mirror
addresses: the tests read it from the page, and every command, config file
and the check script must name addresses from it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from packaging.requirements import Requirement

from harness.lessons import EXPECTED, environment, run  # EXPECTED: a "# -> text" line, as in the lessons
from harness.pages import DOCS, LANGUAGES, ROOT, Fence, parse_page

INSTALLATION = "installation.md"
URL_IN_CODE = re.compile(r"`(https?://[^`\s]+)`")


def section_lines(language: str, page: str, anchor: str) -> list[str]:
    """The lines of the page from the heading with this anchor to the next
    heading of the same or a higher level."""
    parsed = parse_page(DOCS / language / page)
    lines = parsed.path.read_text(encoding="utf-8").splitlines()
    headings = parsed.headings
    for n, heading in enumerate(headings):
        if heading.anchor == anchor:
            end = next((h.line for h in headings[n + 1 :] if h.level <= heading.level), len(lines) + 1)
            return lines[heading.line : end - 1]
    raise AssertionError(f"docs/{language}/{page} has no heading {{ #{anchor} }}")


def mirror_table(language: str = LANGUAGES[0]) -> list[str]:
    """The index URLs in the table of the #mirror-list section, in order."""
    rows = [line for line in section_lines(language, INSTALLATION, "mirror-list") if line.startswith("|")]
    urls = [m[1] for row in rows for m in [URL_IN_CODE.search(row)] if m]
    assert urls, f"docs/{language}/{INSTALLATION}: no mirror table under {{ #mirror-list }}"
    return urls


def mirrors() -> list[str]:
    """The mirror table; both languages must list the same addresses."""
    tables = {language: mirror_table(language) for language in LANGUAGES}
    first = tables[LANGUAGES[0]]
    for language, urls in tables.items():
        assert urls == first, f"the mirror tables differ: {tables}"
    return first


def promised_output(fence: Fence, command: str) -> list[str]:
    """The ``# -> text`` lines right under ``command`` in a shell fence."""
    lines = fence.code.splitlines()
    for n, line in enumerate(lines):
        if line.strip() == command:
            promised = []
            for following in lines[n + 1 :]:
                match = EXPECTED.match(following)
                if not match:
                    break
                promised.append(match["text"])
            return promised
    return []


def isolated_pip_env(home: Path) -> dict:
    """An environment in which pip reads only what a test writes: a fresh home
    on every platform's variable, no PIP_* variables, no global xdg files.
    (pip always reads /etc/pip.conf too; tests compare against a baseline.)"""
    return environment(pip_settings=False, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                       XDG_CONFIG_DIRS=str(home / "etc-xdg"), APPDATA=str(home / "AppData" / "Roaming"))


@contextmanager
def isolated_pip():
    """isolated_pip_env in a temporary home; yields (env, home)."""
    with tempfile.TemporaryDirectory() as tmp:
        yield isolated_pip_env(Path(tmp)), Path(tmp)


def pip(argv: list[str], env: dict, check: bool = False) -> subprocess.CompletedProcess:
    """Run pip as the page's `pip ...` or `python -m pip ...` would, with this Python."""
    if argv[0].startswith("python"):
        argv = argv[argv.index("pip") + 1 :]
    elif argv[0] == "pip":
        argv = argv[1:]
    result = run([sys.executable, "-m", "pip", *argv], env=env, timeout=120)
    if check:
        assert result.returncode == 0, f"pip {' '.join(argv)} failed:\n{result.stdout}{result.stderr}"
    return result


def venv_without(folder: Path, *missing: str) -> Path:
    """A virtual environment holding every package of this one except ``missing``
    (distribution folders included): as if the reader never installed them.
    Returns its python."""
    run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    site = next(folder.glob("lib/python3*/site-packages"))
    ours = Path(next(p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()))
    names = {m.lower().replace("-", "_") for m in missing}
    for entry in ours.iterdir():
        base = entry.name.split("-")[0].lower()
        if base in names or entry.name.lower() in names:
            continue
        (site / entry.name).symlink_to(entry)
    return folder / "bin" / "python"


def pinned_versions() -> dict[str, str]:
    """Package -> version, as the suite's virtual environment pins them: in
    requirements-dev.txt (and the files it includes), then constraints.txt.
    Names in pip's canonical form (``jupyter-core``)."""
    from packaging.utils import canonicalize_name
    from pip._internal.network.session import PipSession
    from pip._internal.req.req_file import parse_requirements

    pins = {}
    for name in ("requirements-dev.txt", "constraints.txt"):
        for parsed in parse_requirements(str(ROOT / name), session=PipSession(), constraint=name == "constraints.txt"):
            requirement = Requirement(parsed.requirement)
            (spec,) = requirement.specifier or [None]
            if spec is not None and spec.operator == "==":
                pins[canonicalize_name(requirement.name)] = spec.version
    return pins


__all__ = [
    "ROOT", "INSTALLATION", "section_lines", "mirror_table", "mirrors", "promised_output",
    "isolated_pip_env", "isolated_pip", "pip", "venv_without", "pinned_versions",
]
