"""reportgen's benchmark harness (`make bench`).

Measures, in one run so that the targets can be judged as ratios on whatever
machine this is:

1. the floor: a bare ``python -c "import docxtpl, reportlab.platypus, pandas,
   matplotlib.pyplot"``, the fixed cost no tool using these libraries avoids;
2. ``reportgen build`` of the Kent 2017 sample (43 rated measures) without the
   LibreOffice step, as a whole process and in-process;
3. the same with the agenda pack, beside LibreOffice's own conversion of the
   same report.docx;
4. generated meetings of 50, 500 and 5,000 indicators: the whole build and the
   scorecard alone;
5. ten meetings in one ``reportgen build`` call against one meeting.

Each figure is the median, min and max of several runs, with the peak resident
memory of the process. The results table (markdown) is printed and written to
benchmarks/results-latest.md; copy it into benchmarks/RESULTS.md with the date.

    .venv/bin/python benchmarks/run.py [--runs 5] [--big-runs 3] [--sizes 50 500 5000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SAMPLE = ROOT / "data" / "kent-scs-2017-06"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

FLOOR = [sys.executable, "-c", "import docxtpl, reportlab.platypus, pandas, matplotlib.pyplot"]


def _timed_child(command: list[str]) -> tuple[float, int]:
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
    if code != 0:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}")
    return wall, int(peak)


class Results:
    def __init__(self) -> None:
        self.rows: list[tuple[str, list[float], int]] = []

    def add(self, name: str, times: list[float], peak_mb: int = 0) -> float:
        self.rows.append((name, times, peak_mb))
        print(f"  {name}: median {statistics.median(times):.2f} s", flush=True)
        return statistics.median(times)

    def process(self, name: str, command: list[str], runs: int, before=None) -> float:
        times, peaks = [], []
        for _ in range(runs):
            if before:
                before()
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

    def table(self) -> str:
        lines = ["| measurement | median s | min s | max s | runs | peak MB |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, times, peak in self.rows:
            lines.append(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} "
                         f"| {len(times)} | {peak or ''} |")
        return "\n".join(lines)


def _soffice_alone(docx: Path, work: Path) -> list[str]:
    profile = (work / "lo-profile").as_uri()
    return ["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(work / "lo-out"), str(docx)]


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
    parser = argparse.ArgumentParser(description="reportgen benchmarks")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--big-runs", type=int, default=5, help="runs for the 5,000-indicator meeting")
    parser.add_argument("--sizes", type=int, nargs="*", default=[50, 500, 5000])
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args(argv)

    from generate import write_meeting

    from reportgen.build import build
    from reportgen.data import load_dataset
    from reportgen.meeting import load_meeting
    from reportgen.compose import paper_facts
    from reportgen.render.scorecard_pdf import render_scorecard
    from reportgen.scoring import score_dataset

    reportgen = str(BIN / "reportgen")
    results = Results()
    work = Path(tempfile.mkdtemp(prefix="reportgen-bench-"))
    ratios: dict[str, tuple[float, float]] = {}
    try:
        print("1. the floor", flush=True)
        floor = results.process("floor: python -c 'import docxtpl, reportlab.platypus, pandas, matplotlib.pyplot'",
                                FLOOR, args.runs)
        print("2. Kent 2017 sample (43 measures)", flush=True)
        out = work / "out"
        one = results.process("build kent-scs-2017-06 --no-pack (whole process)",
                              [reportgen, "build", str(SAMPLE), "-o", str(out), "--no-pack", "-q"], args.runs)
        results.inprocess("build kent-scs-2017-06 --no-pack (in-process, imports paid)",
                          lambda: build([SAMPLE], out, pack=False), args.runs)
        ratios["build without LibreOffice <= 1.5 x floor"] = (one / floor, 1.5)
        if not args.no_libreoffice and shutil.which("soffice"):
            print("3. agenda pack with LibreOffice", flush=True)
            packed = results.process("build kent-scs-2017-06 with agenda pack (whole process)",
                                     [reportgen, "build", str(SAMPLE), "-o", str(out), "-q"], args.runs)
            lo = results.process("LibreOffice alone: soffice --convert-to pdf report.docx",
                                 _soffice_alone(out / SAMPLE.name / "report.docx", work), args.runs)
            ratios["agenda pack <= LibreOffice alone + 1 s (shown: pack - LibreOffice, s)"] = (packed - lo, 1.0)
        print("4. generated meetings", flush=True)
        scorecard_times = {}
        for n in args.sizes:
            folder = write_meeting(n, work / "generated" / f"synthetic-{n}")
            runs = args.big_runs if n >= 5000 else args.runs
            results.process(f"build {n:,} indicators --no-pack (whole process)",
                            [reportgen, "build", str(folder), "-o", str(out), "--no-pack", "-q"], runs)
            meeting, _ = load_meeting(folder)
            scores = score_dataset(load_dataset(folder), meeting.period)
            facts = paper_facts(meeting)
            # Imports and fonts are warm after the first size: a big size needs no warm-up run.
            scorecard_times[n] = results.inprocess(f"scorecard alone, {n:,} indicators (in-process)",
                                                   lambda: render_scorecard(facts, scores), runs,
                                                   warm=not scorecard_times)
        if 500 in scorecard_times and 5000 in scorecard_times:
            ratios["scorecard 5,000 <= 12 x 500"] = (scorecard_times[5000] / scorecard_times[500], 12)
        print("5. ten meetings in one call", flush=True)
        copies = []
        for i in range(10):
            copy = work / "ten" / f"meeting-{i:02d}"
            shutil.copytree(SAMPLE, copy)
            copies.append(str(copy))
        ten = results.process("build 10 meetings in one call --no-pack (whole process)",
                              [reportgen, "build", *copies, "-o", str(out), "--no-pack", "-q"], args.runs)
        ratios["ten meetings in one call <= 4 x one meeting"] = (ten / one, 4)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    report = [f"## {date.today().isoformat()}", "", f"Machine: {_machine()}", "", results.table(), "",
              "| target | measured | limit | met |", "| --- | ---: | ---: | --- |"]
    for name, (value, limit) in ratios.items():
        report.append(f"| {name} | {value:.2f} | {limit:g} | {'yes' if value <= limit else 'NO'} |")
    text = "\n".join(report) + "\n"
    print("\n" + text)
    (ROOT / "benchmarks" / "results-latest.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
