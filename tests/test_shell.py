"""Every shell command on the site is run, or checked for its effect."""

import pytest

from harness.pages import SHELL_LANGS, all_fences
from shell_commands import commands_in, kind_of

# The zh and en pages show the same blocks (tests/test_docs.py says so): a
# command and its twin are one test, which checks both (a check done once per
# block, shell_commands._once, is done once per test run, on any worker).
TWINS: dict[tuple, list] = {}
for fence in all_fences():
    if fence.lang in SHELL_LANGS:
        for cmd in commands_in(fence):
            TWINS.setdefault((fence.page.name, fence.code, cmd.text), []).append(cmd)


@pytest.mark.parametrize(
    "twins", [pytest.param(cmds, id=f"{cmds[0].fence.page.stem}-{cmds[0].fence.line}") for cmds in TWINS.values()]
)
def test_shell_command(twins):
    for cmd in twins:
        kind = kind_of(cmd)
        assert kind is not None, f"{cmd.where}: no test covers the command {cmd.text!r}"
        kind.check(cmd)
