"""A generated corpus of malformed catalogue files (issue 10, item 8): each gets a clear
Vietnamese message naming the file and the reason (or its bad rows by number), never a
traceback or raw escape codes, the catalogue unchanged, memory bounded (a child process
under ``RLIMIT_AS``, its peak RSS measured)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import catalogue_corpus

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="resource.setrlimit is POSIX"),
]
ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP_MB = 1024  # address space of the child; RSS is what the goal counts
RSS_GOAL_MB = 300
# Words that show a library's English message leaked into what the user reads.
ENGLISH = re.compile(
    r"Traceback|Error|error|invalid|expected|not well-formed|unexpected|literal|"
    r"index out|out of range|Errno|No such|zip file|codec|line \d+, column",
)


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("corpus")
    cases = catalogue_corpus.build(corpus)
    home = tmp_path_factory.mktemp("home")
    out = subprocess.run(
        [sys.executable, "-m", "tests.helpers.corpus_child", str(corpus), str(MEMORY_CAP_MB)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), COUNTER_APP_HOME=str(home)),
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    data = json.loads(out.stdout.splitlines()[-1])
    by_name = {r["name"]: r for r in data["results"]}
    return cases, by_name, data["unchanged"], data["base_kb"]


def test_the_corpus_is_large_enough(outcome):
    cases = outcome[0]
    assert len(cases) >= 50


def test_no_file_changes_the_catalogue(outcome):
    assert outcome[2]


def test_every_file_gets_a_clear_message_and_no_traceback(outcome):
    cases, results = outcome[0], outcome[1]
    problems = []
    for case in cases:
        r = results[case.name]
        text = r["out"] + r["err"]
        plain_out, plain_err = (t.replace(case.name, "«file»") for t in (r["out"], r["err"]))
        if r["code"] == "TRACEBACK" or "Traceback" in text:
            problems.append(f"{case.name}: traceback\n{r['err'][-800:]}")
            continue
        if "\x1b" in text:
            problems.append(f"{case.name}: raw escape codes printed")
        if case.expect == "refused":
            if r["code"] != 1:
                problems.append(f"{case.name}: exit {r['code']}, expected a refusal\n{text}")
            if case.name not in r["err"]:
                problems.append(f"{case.name}: the message does not name the file: {r['err']}")
            missing = [w for w in case.says if w not in r["err"]]
            if missing:
                problems.append(f"{case.name}: message lacks {missing}: {r['err']}")
            if ENGLISH.search(plain_err):
                problems.append(f"{case.name}: library English in the message: {r['err']}")
        else:
            if r["code"] not in (0, 1) or "Tệp: " + case.name not in r["out"]:
                problems.append(f"{case.name}: not read: exit {r['code']}\n{text}")
                continue
            rejected = [int(n) for n in re.findall(r"^  dòng (\d+):", r["out"], re.M)]
            if sorted(rejected) != sorted(case.rows):
                problems.append(f"{case.name}: rejected rows {rejected}, expected {case.rows}")
            for row, words in case.rows.items():
                line = next(
                    (x for x in r["out"].splitlines() if x.startswith(f"  dòng {row}:")), ""
                )
                if words not in line:
                    problems.append(f"{case.name}: row {row} reason lacks {words!r}: {line!r}")
            if ENGLISH.search(plain_out):
                problems.append(f"{case.name}: library English in the preview: {r['out']}")
    assert not problems, "\n\n".join(problems)


def test_memory_stays_bounded_for_every_input(outcome):
    cases, results, _, base_kb = outcome
    worst = max(results.values(), key=lambda r: r["grew_kb"])
    peak = max(r["peak_kb"] for r in results.values())
    print(
        f"\ncatalogue corpus: {len(cases)} files; the command line at rest "
        f"{base_kb / 1024:.0f} MB; peak RSS {peak / 1024:.0f} MB; the worst input "
        f"({worst['name']}) raised it by {worst['grew_kb'] / 1024:.0f} MB"
    )
    assert peak < RSS_GOAL_MB * 1024
