"""The installation page: its mirror table is the one list of mirrors, its uv
file is valid, and its Python window matches the pinned packages."""

import re
import tomllib
from importlib import metadata

import pytest

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from harness.pages import DOCS, LANGUAGES, ROOT, Fence, parse_page
from install_pages import INSTALLATION, mirrors, section_lines
from shell_commands import commands_in, kind_of

from doctor import data_and_network, keras_setup, system  # tools/doctor/: pytest.ini puts tools/ on the path
from doctor.messages import MESSAGES


def shown(command, lang="bash", page="installation.md", promised=()):
    """A command as if a page showed it, in a block of its own."""
    body = [command] + [f"# -> {line}" for line in promised]
    fence = Fence(DOCS / "zh" / page, 1, "", lang, body)
    (cmd,) = commands_in(fence)
    return cmd


@pytest.mark.parametrize("command, promised", [
    ("pip install keras -i https://pypi.douban.com/simple/", ()),  # not in the table
    ("pip install keras -i http://pypi.tuna.tsinghua.edu.cn/simple", ()),  # not HTTPS
    ("pip install tensorflow-gpu", ()),  # not a package this guide installs
    ("pip install pandas", ()),  # nor this one
    ('pip install "tensorflow[and-gpu]"', ()),  # no such extra
    ("pip config set global.index-url https://pypi.mirrors.ustc.edu.cn/simple/", ()),  # old address
    ("pip config get global.index-url", ("https://mirrors.aliyun.com/pypi/simple",)),  # not what the page sets
    ('python -c "import keras; print(keras.config.backend())"', ("jax",)),  # not what it prints
    ("conda create -n keras python=3.9", ()),  # outside the Python window
    ("py install 3.14", ()),  # newer than TensorFlow supports
    ("py -3.10 -m venv .venv", ()),  # older than Keras needs
    ("py --list", ()),  # nothing installed before it in its block
])
def test_installation_command_checks_can_fail(command, promised):
    cmd = shown(command, promised=promised)
    kind = kind_of(cmd)
    assert kind is not None, command
    with pytest.raises(AssertionError):
        kind.check(cmd)


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
    (tests/shell_pip.py starts it); the site offers notebooks to open."""
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
