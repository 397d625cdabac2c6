"""The installation page: its mirror table is the one list of mirrors, its uv
file is valid, its Python window matches the pinned packages, and its pip
commands do what it says (run against an isolated home, or parsed by pip's own
option parser)."""

import re
import sys
import tomllib
from importlib import metadata

import pytest

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from pip._internal.commands import create_command
from pip._internal.network.session import PipSession
from pip._internal.req.req_file import parse_requirements

from harness.pages import DOCS, LANGUAGES, ROOT, parse_page
from harness.lessons import run
from install_pages import INSTALLATION, isolated_pip, mirrors, pinned_versions, pip, promised_output, section_lines
from shell import Command, Commands, checked, commands, on_its_page, paragraph_after, shown

from doctor import data_and_network, keras_setup, system  # tools/doctor/: pytest.ini puts tools/ on the path
from doctor.messages import MESSAGES

PIP = r"(?:python3? -m )?pip"
SET_INDEX = PIP + r" config set global\.index-url https://\S+"


# --- pip's configuration: set, read, list, undo, debug -----------------------------
# Each runs in an isolated home (install_pages.isolated_pip), once for a block and its twin.


def apply_page_settings(cmd: Command, env: dict) -> str:
    """Run the page's own `pip config set` command(s); return the URL set last."""
    sets = on_its_page(cmd, SET_INDEX)
    assert sets, f"{cmd.where}: {cmd.text!r} reads a setting no `pip config set` on this page writes"
    for setting in sets:
        pip(setting.argv, env, check=True)
    return sets[-1].argv[-1]


def config_lines(env: dict) -> set[str]:
    return set(pip(["pip", "config", "list"], env, check=True).stdout.splitlines())


def check_config_set(cmd: Command) -> None:
    """It writes the user's file, pip reads the URL back, and `unset` removes
    it again. The URL must be HTTPS and in the mirror table."""
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


def check_config_get(cmd: Command) -> None:
    """Fails while nothing is set; after the page's own `set`, prints what the page promises."""
    with isolated_pip() as (env, _):
        unset = pip(cmd.argv, env)
        assert unset.returncode != 0 and "No such key" in unset.stderr, unset.stderr
        url = apply_page_settings(cmd, env)
        printed = pip(cmd.argv, env, check=True).stdout.splitlines()
        assert printed == [url]
        assert printed == promised_output(cmd.fence, cmd.text), f"{cmd.where}: the page promises other output"


def check_config_list(cmd: Command) -> None:
    """What the page's `set` adds is exactly the line the page promises; an
    index set by PIP_INDEX_URL shows as :env:.index-url, as the page says."""
    with isolated_pip() as (env, _):
        before = config_lines(env)  # this machine's global files, which pip always reads
        url = apply_page_settings(cmd, env)
        added = set(pip(cmd.argv, env, check=True).stdout.splitlines()) - before
        assert added == {f"global.index-url='{url}'"}, added
        promised = promised_output(cmd.fence, cmd.text)
        assert promised and set(promised) <= added, f"{cmd.where}: promises {promised}, pip added {added}"
        with_variable = dict(env, PIP_INDEX_URL=url)
        assert f":env:.index-url='{url}'" in pip(cmd.argv, with_variable, check=True).stdout.splitlines()


def check_config_unset(cmd: Command) -> None:
    """After the page's `set`, this removes the setting, and pip is back to its defaults."""
    with isolated_pip() as (env, home):
        before = config_lines(env)
        apply_page_settings(cmd, env)
        assert config_lines(env) != before
        pip(cmd.argv, env, check=True)
        assert config_lines(env) == before
        assert pip(["pip", "config", "get", "global.index-url"], env).returncode != 0
        assert "index-url" not in (home / ".config" / "pip" / "pip.conf").read_text()


def check_config_debug(cmd: Command) -> None:
    """It names the Linux user file of the page's table, ~/.config/pip/pip.conf,
    and shows the page's setting in it."""
    table = "\n".join(section_lines("en", INSTALLATION, "pip-config-file"))
    assert "| Linux | `~/.config/pip/pip.conf` |" in table
    with isolated_pip() as (env, home):
        url = apply_page_settings(cmd, env)
        lines = [line.strip() for line in pip(cmd.argv, env, check=True).stdout.splitlines()]
        user_file = f"{home / '.config' / 'pip' / 'pip.conf'}, exists: True"
        assert user_file in lines, lines
        assert lines[lines.index(user_file) + 1] == f"global.index-url: {url}", lines


CONFIG_CHECKS = {SET_INDEX: check_config_set, PIP + r" config get global\.index-url": check_config_get,
                 PIP + r" config list": check_config_list, PIP + r" config unset global\.index-url": check_config_unset,
                 PIP + r" config debug": check_config_debug}


@pytest.mark.parametrize("check, twins", checked(CONFIG_CHECKS))
def test_a_pip_config_command_does_what_the_page_says(check, twins: Commands):
    check(twins[0])


# --- pip install ------------------------------------------------------------------

# What a reader installs: the packages the examples import (the install
# doctor's list), the backends, Jupyter's `notebook` for the notebooks, and pip.
# Keras's ONNX exporters, which the chapter "Try the model in your browser"
# installs for examples/export_onnx.py (Keras imports them; the lesson does not).
EXPORT_PACKAGES = {"tf2onnx", "onnx", "onnxscript"}
READER_PACKAGES = {*keras_setup.LESSON_PACKAGES.values(), *keras_setup.BACKENDS.values(), *EXPORT_PACKAGES, "notebook",
                   "pip"}

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


def install_options(cmd: Command):
    """pip's own option parser, reading the command line only (isolated: not
    this machine's pip config or PIP_* variables)."""
    argv = cmd.argv
    return create_command("install", isolated=True).parse_args(argv[argv.index("install") + 1 :])


def check_indexes(cmd: Command, options) -> None:
    for url in [options.index_url, *options.extra_index_urls]:
        assert url.startswith("https://"), f"{cmd.where}: index {url} is not HTTPS"
        if url != "https://pypi.org/simple":  # pip's default
            assert url in mirrors(), f"{cmd.where}: index {url} is not in the installation page's mirror table"


def check_install(cmd: Command) -> None:
    """Every requirement names a package the guide uses, which the suite's own
    environment pins (so the suite runs what the reader gets; an extra must
    exist in the installed package), and any index is HTTPS and in the mirror
    table, or one of PyTorch's CUDA indexes above (then only torch, from that
    index alone; an untested one said so on the page)."""
    options, args = install_options(cmd)
    assert args, f"{cmd.where}: {cmd.text!r} installs nothing"
    pinned = pinned_versions()
    for arg in args:
        requirement = Requirement(arg)
        assert requirement.name in READER_PACKAGES, f"{cmd.where}: {requirement.name} is not a package this guide installs"
        if requirement.name != "pip":
            assert requirement.name in pinned, (
                f"{cmd.where}: {requirement.name} is not pinned in requirements*.txt or constraints.txt: the suite does not test it"
            )
        if requirement.extras:
            provided = set(metadata.metadata(requirement.name).get_all("Provides-Extra") or [])
            assert requirement.extras <= provided, f"{cmd.where}: {requirement.name} has no extra {requirement.extras}"
    if options.index_url in PYTORCH_INDEXES:
        assert args == ["torch"] and not options.extra_index_urls, f"{cmd.where}: {cmd.text!r}"
        if PYTORCH_INDEXES[options.index_url] == "untested":
            paragraph = paragraph_after(cmd)
            assert "没有测试过" in paragraph or "untested" in paragraph, f"{cmd.where}: the page must say it is untested"
        return
    check_indexes(cmd, options)


@pytest.mark.parametrize("twins", commands(PIP + r" install(?![^|&;]* -r )(?: [^|&;<>]+)"))
def test_a_pip_install_command_installs_what_the_guide_tests(twins: Commands):
    for cmd in twins:
        check_install(cmd)


def check_install_requirements(cmd: Command) -> None:
    """Every file it names must exist and parse."""
    options, _ = install_options(cmd)
    assert options.requirements, f"{cmd.where}: no -r file in {cmd.text!r}"
    for name in options.requirements:
        path = ROOT / name
        assert path.is_file(), f"{cmd.where}: {name} does not exist"
        list(parse_requirements(str(path), session=PipSession()))
    check_indexes(cmd, options)


@pytest.mark.parametrize("twins", commands(r"(python3? -m )?pip install( [^|&;]*)? -r \S+( [^|&;]*)?"))
def test_a_requirements_file_install_names_files_that_parse(twins: Commands):
    for cmd in twins:
        check_install_requirements(cmd)


@pytest.mark.parametrize("twins", commands(r"python3? --version"))
def test_python_shows_its_version(twins: Commands):
    result = run([sys.executable, *twins[0].argv[1:]], timeout=60)
    assert re.fullmatch(r"Python 3\.\d+\.\d+\s*", result.stdout), result.stdout


@pytest.mark.parametrize("check, command, promised", [
    (check_install, "pip install keras -i https://pypi.douban.com/simple/", ()),  # not in the table
    (check_install, "pip install keras -i http://pypi.tuna.tsinghua.edu.cn/simple", ()),  # not HTTPS
    (check_install, "pip install tensorflow-gpu", ()),  # not a package this guide installs
    (check_install, "pip install pandas", ()),  # nor this one
    (check_install, 'pip install "tensorflow[and-gpu]"', ()),  # no such extra
    (check_install_requirements, "pip install -r requirements-missing.txt", ()),  # no such file
    (check_config_set, "pip config set global.index-url https://pypi.mirrors.ustc.edu.cn/simple/", ()),  # old address
    (check_config_get, "pip config get global.index-url", ("https://mirrors.aliyun.com/pypi/simple",)),  # not what the page sets
])
def test_installation_command_checks_can_fail(check, command, promised):
    with pytest.raises(AssertionError):
        check(shown(command, promised))


def test_installation_mirrors_are_the_check_scripts():
    assert list(data_and_network.MIRRORS.values()) == mirrors()
    hosts = data_and_network.download_hosts()
    assert {url + "/keras/" for url in mirrors()} <= set(hosts.values())
    assert hosts["storage.googleapis.com"].startswith("https://storage.googleapis.com/tensorflow/tf-keras-datasets/")


def test_installation_mirrors_follow_the_facts():
    """facts.md section 3: TUNA current; USTC at its new address; Douban and
    Gohlke never offered as an index; every one over HTTPS. (mirrors() also
    asserts that both languages' tables are the same.)"""
    urls = mirrors()
    assert all(url.startswith("https://") for url in urls)
    assert "https://pypi.tuna.tsinghua.edu.cn/simple" in urls
    assert "https://mirrors.ustc.edu.cn/pypi/simple" in urls
    assert not any(host in url for url in urls for host in ("douban", "lfd.uci.edu", "pypi.mirrors.ustc"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_installation_old_addresses_are_flagged_by_the_check_script(language):
    """Every old address the page warns about, set as the index, draws a warning."""
    old = re.findall(r"`(https://[^`]+)`", "\n".join(section_lines(language, INSTALLATION, "old-mirrors")))
    assert len(old) == 3, old
    for url in old:
        found = system.check_pip_index({"global.index-url": url})
        assert [level for level, _, _ in found] == ["ok", "warn"], (url, found)
    # and a current mirror draws none
    assert [level for level, _, _ in system.check_pip_index({"global.index-url": mirrors()[0]})] == ["ok"]


# --- the main path installs what the examples and the notebooks need ------------


def installed_by(language, anchor):
    """The packages the pip install commands of a section name."""
    lines = section_lines(language, INSTALLATION, anchor)
    return {
        Requirement(arg).name
        for line in lines if line.startswith("pip install ")
        for arg in line.split()[2:] if not arg.startswith("-") and not arg.startswith("https://")
    }


def with_their_requirements(packages):
    """The packages and what each requires (pip installs it along), as installed here."""
    found = set(packages)
    for package in packages:
        for text in metadata.requires(package) or []:
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                found.add(canonicalize_name(requirement.name))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_installation_main_path_installs_every_lesson_package(language):
    """The one command of #install-tensorflow-and-keras installs every package
    the examples import (the doctor's list, checked against examples/*.py), and
    the default backend; what it does not name, the page says comes along."""
    named = installed_by(language, "install-tensorflow-and-keras")
    assert "tensorflow" in named
    lessons = set(keras_setup.LESSON_PACKAGES.values())
    assert lessons <= with_their_requirements(named), (named, lessons)
    text = "\n".join(section_lines(language, INSTALLATION, "install-tensorflow-and-keras")).lower()
    for package in lessons - named:
        assert package in text, f"docs/{language}/{INSTALLATION}: {package} comes along, but the page does not say so"


@pytest.mark.parametrize("language", LANGUAGES)
def test_installation_main_path_opens_the_notebooks(language):
    """#jupyter follows the install section, installs `notebook` and starts it
    (tests/test_notebooks.py starts it); the site offers notebooks to open."""
    headings = [h.anchor for h in parse_page(DOCS / language / INSTALLATION).headings if h.level == 2]
    assert headings[headings.index("install-tensorflow-and-keras") + 1] == "jupyter"
    assert installed_by(language, "jupyter") == {"notebook"}
    assert "jupyter notebook" in section_lines(language, INSTALLATION, "jupyter")
    assert list((DOCS / language / "notebooks").glob("*.ipynb"))


def test_installation_doctor_names_the_main_path_command():
    first = next(line for line in section_lines("en", INSTALLATION, "install-tensorflow-and-keras") if line.startswith("pip install"))
    for language, messages in MESSAGES.items():
        assert first in messages["lesson_package_missing"], language


def test_installation_requirements_txt_is_the_main_path():
    """The examples zip's requirements.txt (the home page installs it) holds
    what the main path installs, and nothing it does not bring along."""
    main_path = installed_by("en", "install-tensorflow-and-keras") | installed_by("en", "jupyter")
    listed = {canonicalize_name(Requirement(line).name) for line in
              (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")}
    assert main_path <= listed, f"requirements.txt lacks {main_path - listed}"
    assert listed <= with_their_requirements(main_path & listed), f"requirements.txt holds more: {listed - main_path}"


def python_window():
    """(oldest, newest) Python that the pinned Keras and TensorFlow both install on."""
    keras_min = re.fullmatch(r">=(\d+)\.(\d+)", metadata.metadata("keras")["Requires-Python"])
    classifiers = metadata.metadata("tensorflow").get_all("Classifier")
    tf_versions = [tuple(map(int, m.groups())) for c in classifiers if (m := re.fullmatch(r"Programming Language :: Python :: (\d+)\.(\d+)", c))]
    return (int(keras_min[1]), int(keras_min[2])), max(tf_versions)


def test_installation_python_window_matches_the_pinned_packages():
    low, high = python_window()
    assert (system.PYTHON_MIN, system.PYTHON_MAX) == (low, high)
    for language in LANGUAGES:
        text = "\n".join(section_lines(language, INSTALLATION, "choose-python"))
        assert "%d.%d" % low in text and "%d.%d" % high in text, f"docs/{language}/{INSTALLATION}"


# --- the uv.toml block -------------------------------------------------------


def uv_fences():
    return [f for language in LANGUAGES for f in parse_page(DOCS / language / INSTALLATION).fences if f.lang == "toml"]


@pytest.mark.parametrize("fence", uv_fences(), ids=lambda f: f"installation-{f.page.parent.name}-{f.line}")
def test_installation_uv_config_names_a_mirror_as_the_default_index(fence):
    """The format uv documents for uv.toml (facts.md 3.2/3.4): a list of
    [[index]] tables; the mirror's must be `default = true`. (Checked once by
    hand with uv 0.13.9: `uv pip install --dry-run` then fetches from it.)"""
    config = tomllib.loads(fence.code)
    assert set(config) == {"index"}, config
    (index,) = config["index"]
    assert index == {"url": index["url"], "default": True}
    assert index["url"] in mirrors()


def test_installation_uv_config_is_checked():
    assert uv_fences(), "the installation page shows no uv.toml"
