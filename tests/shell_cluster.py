"""Shell kinds: several processes of one example on one machine
(docs/*/distributed_training.md; tests/shell_commands.py)."""

from __future__ import annotations

import re

from harness.pages import ROOT
from shell_commands import Command, command, commands_in

# --- several processes on one machine (docs/*/distributed_training.md) -----

ONE_PROCESS = re.compile(
    r"KERAS_DISTRIBUTION_JOB_ADDRESSES=(?P<host>127\.0\.0\.1):(?P<port>\d+) "
    r"KERAS_DISTRIBUTION_NUM_PROCESSES=(?P<count>\d+) "
    r"KERAS_DISTRIBUTION_PROCESS_ID=(?P<id>\d+) "
    r"python3? (?P<script>examples/[a-z0-9_]+\.py)"
)
_CLUSTER_RUNS: dict[tuple[str, ...], str | None] = {}


@command("run one process of a multi-process example", ONE_PROCESS.pattern)
def run_one_process(cmd: Command) -> None:
    """A reader runs these commands at once, one per terminal: all of them on
    one page are one cluster on 127.0.0.1. Run them all at once, and check
    that every process finishes and prints what the example promises. The
    page's port becomes a free one, so a busy port here cannot fail the check.
    One run serves every command of the cluster, and its twin page's."""
    import pytest

    from harness.pages import parse_page

    page = parse_page(cmd.fence.page)
    cluster = [
        c.text for fence in page.fences for c in commands_in(fence) if ONE_PROCESS.fullmatch(c.text)
    ]
    key = tuple(cluster)
    if key not in _CLUSTER_RUNS:
        try:
            _run_cluster(cluster)
            _CLUSTER_RUNS[key] = None
        except (AssertionError, pytest.fail.Exception) as error:
            _CLUSTER_RUNS[key] = f"{cmd.where}: {error}"
    problem = _CLUSTER_RUNS[key]
    assert problem is None, problem


def _run_cluster(commands: list[str]) -> None:
    import subprocess
    import sys
    import tempfile
    import time
    from pathlib import Path

    from harness.lessons import example_env
    from harness.site import free_port
    from harness.lessons import backends_of, check_expected

    found = [ONE_PROCESS.fullmatch(text) for text in commands]
    assert len({(m["port"], m["count"], m["script"]) for m in found}) == 1, (
        "the page's commands disagree on the address, the count or the script"
    )
    count, script = int(found[0]["count"]), ROOT / found[0]["script"]
    assert sorted(int(m["id"]) for m in found) == list(range(count)), (
        f"the page must show process ids 0..{count - 1}, once each"
    )
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        processes = []
        for m in found:
            env = example_env(
                backends_of(script)[0], tmp_path,
                KERAS_DISTRIBUTION_JOB_ADDRESSES=f"127.0.0.1:{port}",
                KERAS_DISTRIBUTION_NUM_PROCESSES=m["count"],
                KERAS_DISTRIBUTION_PROCESS_ID=m["id"],
            )
            out = open(tmp_path / f"out-{m['id']}.txt", "w+", encoding="utf-8")
            err = open(tmp_path / f"err-{m['id']}.txt", "w+", encoding="utf-8")
            process = subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, env=env, stdout=out, stderr=err)
            processes.append((m["id"], process, out, err))
        deadline = time.monotonic() + 240
        try:
            while any(p.poll() is None for _, p, _, _ in processes) and time.monotonic() < deadline:
                if any(p.poll() not in (None, 0) for _, p, _, _ in processes):
                    break
                time.sleep(0.2)
        finally:
            for _, p, out, err in processes:
                if p.poll() is None:
                    p.kill()
                p.wait()
        for process_id, p, out, err in processes:
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
            out.close()
            err.close()
            assert p.returncode == 0, (
                f"process {process_id} exited with {p.returncode}\n{stderr[-3000:]}"
            )
            check_expected(script, stdout)


