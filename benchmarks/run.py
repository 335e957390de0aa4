"""reportgen's benchmark harness (`make bench`): the issue-13 targets, each marked PASS or MISS.

One run measures everything, so that the targets are judged on the same machine at the same
moment. Whole-process figures are *paired* against the floor, a bare ``python -c "import
docxtpl, reportlab.platypus, pandas, matplotlib.pyplot"`` in the same venv (the fixed cost no
tool using these libraries avoids): each run of a command is run right after a run of the
floor and the ratio is the median of the runs' ratios, so a machine that slows down for a
while slows both.

1. the floor;
2. every sample meeting in data/: ``build --no-pack`` (target <= 1.0 x floor), ``build``
   with the agenda pack (<= 1.5 x), ``check`` (<= 0.3 x) and ``score`` (reported only);
   each after one run not counted, so that charts, a workbook's data, the scorecard and
   LibreOffice's profile are kept, as in the edit-build loop; and ``build --no-pack`` with
   nothing kept (a first build, reported only). The bench keeps them in a cache folder of its own;
3. loading 100,000 value rows (1,000 indicators x 100 months, long CSV) in-process with
   ``load_dataset`` in a fresh process (< 1 s, the median), and the same data as an .xlsx,
   read afresh and kept from an earlier read (reported only);
4. generated meetings of 50, 500 and 5,000 indicators, with and without the pack: the
   5,000 / 500 ratio of the whole build (<= 12 x), the peak memory at 5,000 (< 400 MB), and
   the scorecard alone in-process; every one of these builds lays its scorecard out (none
   kept), so that they measure the work;
5. ten meetings in one ``reportgen build`` call against one meeting (<= 4 x), as in the
   edit-build loop, and with every scorecard laid out (reported only); and
   LibreOffice alone converting the Kent report (what the pack step costs at least);
6. ``python -X importtime`` of ``check`` and ``score`` on each sample: which of the heavy
   packages (pandas, matplotlib, reportlab, docxtpl, openpyxl, pikepdf) each command
   imports, so that an import a command does not need shows.

Each timing row gives median, min and max of the runs and the peak resident memory. The
report (markdown) is printed and written to benchmarks/results-latest.md.

    .venv/bin/python benchmarks/run.py [--runs 5] [--big-runs 5] [--quick] [--no-libreoffice]

``--runs 1 --quick`` (one run of each, no 5,000-indicator meeting) shows in a few minutes
that everything works; its figures are not for RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REPORTGEN = str(BIN / "reportgen")
DATA = ROOT / "data"
KENT = DATA / "kent-scs-2017-06"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

FLOOR = [sys.executable, "-c", "import docxtpl, reportlab.platypus, pandas, matplotlib.pyplot"]
HEAVY = ("pandas", "matplotlib", "reportlab", "docxtpl", "openpyxl", "pikepdf")
LOAD_SHAPE = (1000, 100)  # indicators x months: 100,000 value rows
FINDINGS = (0, 1)  # check exits 1 when it finds warnings: a result, not a failure
# A first build: no chart drawn before, no workbook read or scorecard laid out before.
COLD = ["env", "REPORTGEN_CHART_CACHE=off", "REPORTGEN_DATA_CACHE=off", "REPORTGEN_SCORECARD_CACHE=off"]
# The size rows measure the work itself: each build lays its scorecard out (none is kept).
LAID_OUT = ["env", "REPORTGEN_SCORECARD_CACHE=off"]

# In a fresh process: load the data ``runs`` times after one warm-up, print the wall seconds.
LOAD_PROBE = """\
import json, sys, time
from reportgen.data import load_dataset
path, runs = sys.argv[1], int(sys.argv[2])
rows = len(load_dataset(path).observations)
times = []
for _ in range(runs):
    start = time.perf_counter(); load_dataset(path); times.append(time.perf_counter() - start)
print(json.dumps([rows, times]))
"""


def _timed_child(command: list[str], allowed=(0,)) -> tuple[float, int]:
    """Wall seconds and peak RSS (MB) of one command, run as a child of a fresh process."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "t = time.perf_counter(); r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps([r.returncode, wall, peak]))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe, *command], capture_output=True, text=True, check=True)
    code, wall, peak = json.loads(out.stdout)
    if code not in allowed:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}")
    return wall, int(peak)


@dataclass
class Target:
    name: str
    measured: float | None  # None: not measured in this run
    limit: float | None  # None: reported only
    unit: str  # "x" (a ratio), "s" or "MB"

    def cells(self) -> tuple[str, str, str]:
        shown = "skipped" if self.measured is None else f"{self.measured:.2f} {self.unit}"
        if self.unit == "MB" and self.measured is not None:
            shown = f"{self.measured:.0f} MB"
        if self.limit is None:
            return shown, "report only", ""
        sign = "<" if self.unit in ("s", "MB") else "<="
        met = "" if self.measured is None else ("PASS" if self._met() else "**MISS**")
        return shown, f"{sign} {self.limit:g} {self.unit}", met

    def _met(self) -> bool:
        if self.unit in ("s", "MB"):
            return self.measured < self.limit
        return self.measured <= self.limit


class Results:
    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.rows: list[tuple[str, list[float], int]] = []
        self.targets: list[Target] = []
        self.floor_times: list[float] = []
        self.floor_peak = 0
        self.imports: list[tuple[str, str]] = []

    def add(self, name: str, times: list[float], peak_mb: int = 0) -> float:
        self.rows.append((name, times, peak_mb))
        print(f"  {name}: median {statistics.median(times):.2f} s", flush=True)
        return statistics.median(times)

    def floor(self) -> float:
        wall, peak = _timed_child(FLOOR)
        self.floor_times.append(wall)
        self.floor_peak = max(peak, self.floor_peak)
        return wall

    def paired(self, name: str, command: list[str], runs: int | None = None, allowed=(0,)) -> tuple[float, float, int]:
        """(median seconds, median ratio to the floor run just before each run, peak MB).

        After one run not counted: the rebuild after an edit, with the charts, the
        workbook's data and LibreOffice's profile already kept (``cold`` rows measure
        a first build)."""
        _timed_child(command, allowed)
        times, ratios, peaks = [], [], []
        for _ in range(runs or self.runs):
            floor = self.floor()
            wall, peak = _timed_child(command, allowed)
            times.append(wall)
            ratios.append(wall / floor)
            peaks.append(peak)
        median = self.add(name, times, max(peaks))
        return median, statistics.median(ratios), max(peaks)

    def process(self, name: str, command: list[str], runs: int | None = None) -> float:
        times, peaks = [], []
        for _ in range(runs or self.runs):
            wall, peak = _timed_child(command)
            times.append(wall)
            peaks.append(peak)
        return self.add(name, times, max(peaks))

    def inprocess(self, name: str, work, runs: int, warm: bool = True) -> float:
        if warm:
            work()  # imports, fonts, caches
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        return self.add(name, times, peak)

    def target(self, name: str, measured: float | None, limit: float | None, unit: str) -> None:
        self.targets.append(Target(name, measured, limit, unit))

    def report(self, machine: str) -> str:
        lines = [f"## {date.today().isoformat()}", "", f"Machine: {machine}", "",
                 "| target | measured | limit | result |", "| --- | ---: | ---: | --- |"]
        lines += [f"| {t.name} | " + " | ".join(t.cells()) + " |" for t in self.targets]
        lines += ["", "| measurement | median s | min s | max s | runs | peak MB |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        rows = [("floor: python -c 'import docxtpl, reportlab.platypus, pandas, matplotlib.pyplot'",
                 self.floor_times, self.floor_peak)] + self.rows
        for name, times, peak in rows:
            lines.append(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} "
                         f"| {len(times)} | {peak or ''} |")
        lines += ["", "| command (python -X importtime) | heavy packages it imports (time in their own modules) |",
                  "| --- | --- |"]
        lines += [f"| {command} | {found} |" for command, found in self.imports]
        return "\n".join(lines) + "\n"


# --- the measurements ------------------------------------------------------------------------

def sample_meetings() -> list[Path]:
    return sorted(p.parent for p in DATA.glob("*/meeting.yaml"))


def _score_command(folder: Path) -> list[str]:
    from reportgen.meeting import load_meeting

    meeting, _ = load_meeting(folder)
    command = [REPORTGEN, "score", str(meeting.data_path), "--period", str(meeting.period)]
    return command + (["--rule", meeting.scoring.rule] if meeting.scoring.rule else [])


def measure_samples(results: Results, out: Path, pack: bool) -> None:
    for folder in sample_meetings():
        name = folder.name
        print(f"2. {name}", flush=True)
        _, ratio, _ = results.paired(f"build {name} --no-pack",
                                     [REPORTGEN, "build", str(folder), "-o", str(out), "--no-pack", "-q"])
        results.target(f"build {name} --no-pack / floor", ratio, 1.0, "x")
        _, ratio, _ = results.paired(f"build {name} --no-pack, nothing kept (first build)",
                                     [*COLD, REPORTGEN, "build", str(folder), "-o", str(out), "--no-pack", "-q"])
        results.target(f"build {name} --no-pack, nothing kept / floor", ratio, None, "x")
        if pack:
            _, ratio, _ = results.paired(f"build {name} with the agenda pack",
                                         [REPORTGEN, "build", str(folder), "-o", str(out), "-q"])
            results.target(f"build {name} with the pack / floor", ratio, 1.5, "x")
        _, ratio, _ = results.paired(f"check {name}", [REPORTGEN, "check", str(folder)], allowed=FINDINGS)
        results.target(f"check {name} / floor", ratio, 0.3, "x")
        seconds, ratio, _ = results.paired(f"score {name}", _score_command(folder))
        results.target(f"score {name} / floor ({seconds:.2f} s)", ratio, None, "x")


def measure_load(results: Results, work: Path) -> None:
    from generate import write_long_data

    indicators, months = LOAD_SHAPE
    print(f"3. loading {indicators * months:,} value rows", flush=True)
    runs = max(results.runs, 1)
    for label, target, xlsx, kept in (("long CSV", work / "long", False, "off"),
                                      ("xlsx", work / "long.xlsx", True, "off"),
                                      ("xlsx, kept from an earlier read", work / "long.xlsx", True, "on")):
        if not target.exists():
            write_long_data(indicators, months, target, xlsx=xlsx)
        out = subprocess.run([sys.executable, "-c", LOAD_PROBE, str(target), str(runs)],
                             capture_output=True, text=True, check=True, cwd=ROOT,
                             env={**os.environ, "REPORTGEN_DATA_CACHE": kept})
        rows, times = json.loads(out.stdout)
        median = results.add(f"load_dataset {rows:,} value rows, {label} (in-process, after one warm-up)", times)
        results.target(f"load {rows:,} value rows, {label}", median, 1.0 if not xlsx else None, "s")


def measure_sizes(results: Results, work: Path, out: Path, sizes: list[int], big_runs: int, pack: bool) -> None:
    from generate import write_meeting

    from reportgen.compose import paper_facts
    from reportgen.data import load_dataset
    from reportgen.meeting import load_meeting
    from reportgen.render.scorecard_pdf import render_scorecard
    from reportgen.scoring import score_dataset

    whole: dict[tuple[int, bool], tuple[float, int]] = {}
    scorecard: dict[int, float] = {}
    for n in sizes:
        print(f"4. {n:,} indicators", flush=True)
        folder = write_meeting(n, work / "generated" / f"synthetic-{n}")
        runs = big_runs if n >= 5000 else results.runs
        for with_pack in ((False, True) if pack else (False,)):
            flag = [] if with_pack else ["--no-pack"]
            label = "with the pack" if with_pack else "--no-pack"
            seconds, _, peak = results.paired(f"build {n:,} indicators {label}, scorecard laid out",
                                              [*LAID_OUT, REPORTGEN, "build", str(folder), "-o", str(out), *flag, "-q"],
                                              runs)
            whole[n, with_pack] = (seconds, peak)
        meeting, _ = load_meeting(folder)
        scores = score_dataset(load_dataset(folder), meeting.period)
        facts = paper_facts(meeting)
        # Imports and fonts are warm after the first size: a big size needs no warm-up run.
        scorecard[n] = results.inprocess(f"scorecard alone, {n:,} indicators (in-process)",
                                         lambda: render_scorecard(facts, scores), runs, warm=not scorecard)
    for with_pack in ((False, True) if pack else (False,)):
        label = "with the pack" if with_pack else "--no-pack"
        big, small = whole.get((5000, with_pack)), whole.get((500, with_pack))
        results.target(f"build 5,000 indicators / 500 ({label})",
                       big[0] / small[0] if big and small else None, 12, "x")
        results.target(f"peak memory at 5,000 indicators ({label})", big[1] if big else None, 400, "MB")
    ratio = scorecard[5000] / scorecard[500] if 5000 in scorecard and 500 in scorecard else None
    results.target("scorecard alone 5,000 / 500 (in-process)", ratio, 12, "x")


def measure_ten(results: Results, work: Path, out: Path, pack: bool) -> None:
    print("5. ten meetings in one call; LibreOffice alone", flush=True)
    copies = []
    for i in range(10):
        copy = work / "ten" / f"meeting-{i:02d}"
        shutil.copytree(KENT, copy)
        copies.append(str(copy))
    one = results.process("build kent-scs-2017-06 --no-pack (for the ten)",
                          [REPORTGEN, "build", str(KENT), "-o", str(out), "--no-pack", "-q"])
    ten = results.process("build 10 meetings in one call --no-pack",
                          [REPORTGEN, "build", *copies, "-o", str(out), "--no-pack", "-q"])
    results.target("ten meetings in one call / one meeting", ten / one, 4, "x")
    one = results.process("build kent-scs-2017-06 --no-pack, scorecard laid out (for the ten)",
                          [*LAID_OUT, REPORTGEN, "build", str(KENT), "-o", str(out), "--no-pack", "-q"])
    ten = results.process("build 10 meetings in one call --no-pack, scorecards laid out",
                          [*LAID_OUT, REPORTGEN, "build", *copies, "-o", str(out), "--no-pack", "-q"])
    results.target("ten meetings in one call / one meeting, scorecards laid out", ten / one, None, "x")
    if pack:
        profile = (work / "lo-profile").as_uri()
        results.process("LibreOffice alone: soffice --convert-to pdf report.docx (Kent)",
                        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
                         "--convert-to", "pdf", "--outdir", str(work / "lo-out"),
                         str(out / KENT.name / "report.docx")])


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+\d+ \| *(\S+)$")


def heavy_imports(stderr: str) -> str:
    """Which HEAVY packages an ``-X importtime`` log shows, each with the time spent in its own modules.

    Its own modules' self times, summed: the package's share however deep it was imported, without
    the dependencies it shares with others (numpy, PIL, lxml).
    """
    found: dict[str, int] = {}
    for line in stderr.splitlines():
        match = _IMPORT_LINE.match(line)
        package = match[2].split(".")[0] if match else ""
        if package in HEAVY:
            found[package] = found.get(package, 0) + int(match[1])
    shown = [f"{name} {found[name] / 1000:.0f} ms" for name in HEAVY if name in found]
    absent = [name for name in HEAVY if name not in found]
    return ("; ".join(shown) or "none") + (f" (not: {', '.join(absent)})" if absent else "")


def measure_imports(results: Results) -> None:
    print("6. imports of check and score", flush=True)
    for folder in sample_meetings():
        for label, command in (("check", [REPORTGEN, "check", str(folder)]), ("score", _score_command(folder))):
            run = subprocess.run([sys.executable, "-X", "importtime", *command],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if run.returncode not in FINDINGS:
                raise SystemExit(f"benchmark command failed ({run.returncode}): {' '.join(command)}")
            found = heavy_imports(run.stderr)
            results.imports.append((f"{label} {folder.name}", found))
            print(f"  {label} {folder.name}: {found}", flush=True)


def _machine() -> str:
    cpu = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="reportgen benchmarks: the issue-13 targets, PASS or MISS")
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--big-runs", type=int, default=5, help="runs for the 5,000-indicator meeting")
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 500, 5000])
    parser.add_argument("--quick", action="store_true", help="skip the 5,000-indicator meeting")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip every measurement with the pack")
    args = parser.parse_args(argv)
    sizes = [n for n in args.sizes if not (args.quick and n >= 5000)]
    pack = not args.no_libreoffice and shutil.which("soffice") is not None
    results = Results(args.runs)
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    out = work / "out"
    # Its own cache folder: what the user's cache holds does not change the figures.
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    started = time.perf_counter()
    try:
        print("1. the floor", flush=True)
        results.floor()
        measure_samples(results, out, pack)
        measure_load(results, work)
        measure_sizes(results, work, out, sizes, args.big_runs, pack)
        measure_ten(results, work, out, pack)
        measure_imports(results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    note = f"{args.runs} run(s) of each" + (", --quick (no 5,000-indicator meeting)" if args.quick else "")
    text = results.report(f"{_machine()}; {note}; {time.perf_counter() - started:.0f} s in all")
    print("\n" + text)
    (ROOT / "benchmarks" / "results-latest.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
