"""Every shell command on the site is run, or checked for its effect."""

import pytest

from harness.pages import SHELL_LANGS, all_fences
from shell_commands import commands_in, kind_of

COMMANDS = [
    cmd for fence in all_fences() if fence.lang in SHELL_LANGS for cmd in commands_in(fence)
]


@pytest.mark.parametrize(
    "cmd", [pytest.param(c, id=f"{c.fence.page.stem}-{c.fence.page.parent.name}-{c.fence.line}") for c in COMMANDS]
)
def test_shell_command(cmd):
    kind = kind_of(cmd)
    assert kind is not None, f"{cmd.where}: no test covers the command {cmd.text!r}"
    kind.check(cmd)
