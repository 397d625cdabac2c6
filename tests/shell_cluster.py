"""Shell kinds: several processes of one example on one machine
(docs/*/distributed_training.md; tests/shell_commands.py)."""

from __future__ import annotations

import re

from harness.lessons import processes_of
from harness.pages import ROOT, parse_page
from shell_commands import Command, command, commands_in

ONE_PROCESS = re.compile(
    r"KERAS_DISTRIBUTION_JOB_ADDRESSES=(?P<host>127\.0\.0\.1):(?P<port>\d+) "
    r"KERAS_DISTRIBUTION_NUM_PROCESSES=(?P<count>\d+) "
    r"KERAS_DISTRIBUTION_PROCESS_ID=(?P<id>\d+) "
    r"python3? (?P<script>examples/[a-z0-9_]+\.py)"
)


@command("run one process of a multi-process example", ONE_PROCESS.pattern)
def run_one_process(cmd: Command) -> None:
    """A reader runs these commands at once, one per terminal: all of them on
    one page are one cluster on 127.0.0.1. tests/test_reader_road.py runs the
    example exactly so (harness.lessons.run_processes: the same variables, a
    free port, as many processes as the example says); here, the page's
    commands must form that cluster."""
    page = parse_page(cmd.fence.page)
    found = [ONE_PROCESS.fullmatch(c.text) for fence in page.fences for c in commands_in(fence)]
    found = [m for m in found if m]
    assert len({(m["port"], m["count"], m["script"]) for m in found}) == 1, (
        f"{cmd.where}: the page's commands disagree on the address, the count or the script"
    )
    count, script = int(found[0]["count"]), ROOT / found[0]["script"]
    assert sorted(int(m["id"]) for m in found) == list(range(count)), (
        f"{cmd.where}: the page must show process ids 0..{count - 1}, once each"
    )
    assert script.is_file(), f"{cmd.where}: {found[0]['script']} does not exist"
    assert processes_of(script) == count, (
        f"{cmd.where}: the page runs {count} processes; {script.name} says '# Keras processes: "
        f"{processes_of(script)}', and that is how many the tests run"
    )
