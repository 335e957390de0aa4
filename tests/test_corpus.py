"""Every broken meeting in the corpus (tests/corpus/) gets its exact message and exit code.

The cases and what each must answer are in tests/corpus/make_corpus.py; the
folders it writes are committed in tests/corpus/cases/ so that anyone can open
one and run `reportgen check` on it.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "corpus"))
import make_corpus  # noqa: E402

from reportgen.cli import main  # noqa: E402

CASES = {case.name: case for case in make_corpus.CASES}


def placed(text: str, case) -> str:
    return text.replace("{case}", case.name).replace("{parent}", ".")


def run_case(case, tmp_path: Path, monkeypatch, capsys) -> tuple[int, str]:
    """The real command, in this process (a new interpreter per case would triple the time)."""
    shutil.copytree(make_corpus.CASES_DIR / case.name, tmp_path / case.name)  # never write into the corpus
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REPORTGEN_WORKERS", "1")
    command = [placed(part, case) for part in case.command]
    code = main([command[0], case.name, *command[1:]])
    return code, capsys.readouterr().err


def test_the_corpus_is_large_and_covers_every_area():
    areas = {case.area for case in make_corpus.CASES}
    assert len(make_corpus.CASES) >= 60
    assert areas == {"meeting", "csv", "excel", "boilerplate", "template", "gate", "output"}


def test_the_committed_folders_are_what_the_script_writes(tmp_path):
    make_corpus.write_corpus(tmp_path / "cases")
    comparison = filecmp.dircmp(tmp_path / "cases", make_corpus.CASES_DIR)
    assert sorted(comparison.left_only + comparison.right_only) == []

    def differing(cmp: filecmp.dircmp) -> list[str]:
        found = list(cmp.diff_files) + cmp.left_only + cmp.right_only
        return found + [f for sub in cmp.subdirs.values() for f in differing(sub)]

    assert differing(comparison) == [], "run tests/corpus/make_corpus.py and commit tests/corpus/cases"


def test_the_base_meeting_is_valid(tmp_path):
    shutil.copytree(make_corpus.CASES_DIR / "base", tmp_path / "base")
    result = subprocess.run([sys.executable, "-m", "reportgen.cli", "check", "base"], capture_output=True,
                            text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_broken_meeting_is_refused_as_it_should_be(name, tmp_path, monkeypatch, capsys):
    case = CASES[name]
    assert case.expected, f"{name}: write down the message this case must give"
    code, stderr = run_case(case, tmp_path, monkeypatch, capsys)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert code == case.exit_code, stderr
    lines = [line.strip() for line in stderr.splitlines()]
    for expected in case.expected:
        wanted = placed(expected, case)
        assert any(line.startswith(wanted) for line in lines), f"{wanted!r} not in:\n{stderr}"
