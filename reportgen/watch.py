"""``reportgen build --watch MEETING``: rebuild a meeting's pack whenever one of its inputs changes.

The inputs are polled (modification time and size, twice a second) rather
than watched with inotify: a meeting has a few dozen files, polling them costs
nothing, works on network shares and needs no new dependency. One LibreOffice
is kept running between rebuilds, driven over UNO (unooffice.UnoOffice: a fifth
of a second a conversion) or, where no Python has LibreOffice's uno module,
handed conversions by a second soffice (libreoffice.WarmOffice: half a second).
"""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from .build import Built, build
from .compose import house_style
from .errors import ReportgenError
from .libreoffice import LibreOfficeMissing, WarmOffice, find_soffice
from .meeting import display_path
from .unooffice import UnoOffice, uno_python

ORDER = ("Green", "Amber", "Red", "No data", "No target", "Within range", "Above range", "Below range")
Snapshot = dict[Path, tuple[int, int] | None]


def counts_text(item: Built) -> str:
    """The meeting's ratings as the summary line says them: '19 Green, 19 Amber, 5 Red'."""
    counts = item.scores.summary.status_counts
    return ", ".join(f"{counts[s]} {s}" for s in ORDER if counts.get(s))


def watched_files(meeting_dir: Path, item: Built | None) -> set[Path]:
    """Every file the meeting was built from, its folder's own files, and its house style's files."""
    files = {p.resolve() for p in Path(meeting_dir).rglob("*") if p.is_file()}
    if item is not None:
        files |= set(item.inputs)
        for folder in house_style(item.meeting).folders:
            files |= {p.resolve() for p in folder.rglob("*") if p.is_file()}
    return files


def snapshot(files: Iterable[Path]) -> Snapshot:
    seen: Snapshot = {}
    for path in files:
        try:
            stat = path.stat()
            seen[path] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            seen[path] = None  # gone (an editor saving by rename): a change, then seen again
    return seen


def _shown(path: Path, meeting_dir: Path) -> str:
    folder = Path(meeting_dir).resolve()
    return str(path.relative_to(folder)) if folder in path.parents else display_path(path)


class _Stop:
    """SIGINT and SIGTERM ask the loop to stop after the current step."""

    def __init__(self) -> None:
        self.asked = False
        for number in (signal.SIGINT, signal.SIGTERM):
            signal.signal(number, self._ask)

    def _ask(self, *_args) -> None:
        self.asked = True

    def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.asked and time.monotonic() < deadline:
            time.sleep(0.05)


def watch(meeting_dir: Path, out_dir: Path, *, pack: bool = True, strict: bool = False, draft: bool = False,
          progress: Callable[[str], None] = lambda _: None, warn: Callable[[str], None] = lambda _: None,
          interval: float = 0.5) -> int:
    """Build once, then rebuild on every change until SIGINT or SIGTERM; 0 after a clean stop."""
    stop = _Stop()
    office = _office(pack, warn)
    try:
        item = _build(meeting_dir, out_dir, "first build", pack, strict, draft, progress, warn, office)
        files = watched_files(meeting_dir, item)
        seen = snapshot(files)
        print(f"reportgen: watching {len(files)} files of {meeting_dir}; Ctrl-C stops", file=sys.stderr, flush=True)
        while not stop.asked:
            stop.wait(interval)
            now = snapshot(files | watched_files(meeting_dir, None))
            changed = sorted(p for p in now if now[p] != seen.get(p))
            if stop.asked or not changed:
                continue
            seen = now
            what = _shown(changed[0], meeting_dir) + (f" and {len(changed) - 1} more" if len(changed) > 1 else "")
            rebuilt = _build(meeting_dir, out_dir, f"rebuild after {what} changed", pack, strict, draft,
                             progress, warn, office)
            if rebuilt is not None:
                item = rebuilt
                files = watched_files(meeting_dir, item)
                seen = snapshot(files | set(seen))
    finally:
        if office:
            office.stop()
    return 0


def _office(pack: bool, warn) -> UnoOffice | WarmOffice | None:
    """The LibreOffice kept running between rebuilds: driven over UNO where a Python has uno."""
    soffice = find_soffice()
    if not pack or soffice is None:
        return None  # build() says in one line that the pack was not made
    try:
        if uno_python(soffice):
            office = UnoOffice(warn=warn)
            if office.available():
                return office
            office.stop()
        return WarmOffice(warn=warn)
    except LibreOfficeMissing:
        return None


def _build(meeting_dir, out_dir, what: str, pack, strict, draft, progress, warn, office) -> Built | None:
    """One build; its problems are printed and None returned, so that watching goes on."""
    try:
        (item,) = build([meeting_dir], out_dir, pack=pack, strict=strict, draft=draft,
                        progress=progress, warn=warn, office=office)
    except ReportgenError as exc:
        print(f"reportgen: {what} failed, {len(exc.problems)} problem(s) found (the previous pack stays):",
              file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr, flush=True)
        return None
    label = "built" if what == "first build" else what.replace("rebuild", "rebuilt", 1)
    print(f"{label}: {counts_text(item)}", flush=True)
    return item
