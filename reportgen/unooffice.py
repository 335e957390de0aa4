"""LibreOffice started first and driven over UNO: the fast way to a cover's PDF.

A cold ``soffice --convert-to`` starts LibreOffice, converts and shuts it down
(0.3-0.4 s of CPU with a marked profile, officeprofile.py), and a build can only
run it once the cover exists. So a build that makes a pack starts LibreOffice
before anything else (``early_office``, from the command line), listening on a
private pipe, and hands it the cover as soon as the cover is rendered:
LibreOffice's start-up then runs while Python imports, loads, scores and draws.
The conversion itself is a UNO call (loadComponentFromURL, storeToURL) made by
unoconvert.py, a script run by the Python that has LibreOffice's ``uno`` module
(Debian's python3-uno); reportgen's own Python needs nothing new. (The unoserver package
does the same through an XML-RPC server on a TCP port, open to every local user,
and would have to be installed into the system's Python; this script answers only
its parent, over a pipe.) Where no such Python is found, the conversion is the
cold one (libreoffice.Conversion), which makes the same pack: the merge keeps the
cover's pages and tags, not its dates or /ID, and both ways export with the same
filter and options.

``build --watch`` keeps one UnoOffice between rebuilds. An office that dies or
hangs is restarted once per conversion, saying so through ``warn``; the office
(soffice, soffice.bin and the script, one process group) is killed when the
build ends, fails or is interrupted, and kills itself if the build dies.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import Problem, RenderError
from .libreoffice import PDF_OPTIONS, Conversion, LibreOfficeMissing, find_soffice
from .officeprofile import keep_profile, remove_pipes, seed_profile

SCRIPT = Path(__file__).with_name("unoconvert.py")
PYTHON_VARIABLE = "REPORTGEN_UNO_PYTHON"  # the Python to run it with; empty: never (the cold conversion)
SYSTEM_PYTHON = Path("/usr/bin/python3")  # where Debian's python3-uno installs uno
READY_WITHIN = 60.0


def uno_python(soffice: str) -> str | None:
    """The Python that can import LibreOffice's uno: LibreOffice's own, or the system's; None if none."""
    chosen = os.environ.get(PYTHON_VARIABLE)
    if chosen is not None:
        return chosen or None
    program = Path(shutil.which(soffice) or soffice).resolve().parent
    for candidate in (program / "python", SYSTEM_PYTHON):  # LibreOffice's own builds bring a Python
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


@contextlib.contextmanager
def early_office(wanted: bool, warn=lambda _message: None) -> Iterator[UnoOffice | None]:
    """A UnoOffice starting now when a pack is wanted and LibreOffice can be driven; stopped at the end."""
    soffice = find_soffice() if wanted else None
    if soffice is None or uno_python(soffice) is None:
        yield None  # no LibreOffice: the build says so; no uno: the cold conversion
        return
    office = UnoOffice(warn=warn)
    try:
        yield office
    finally:
        office.stop()


def sweep_killed_builds() -> None:
    """Remove what the UnoOffice of a killed build left (its folder, LibreOffice's sockets): the
    names carry the building process's id, and only those whose process is gone are touched."""
    folders = Path(tempfile.gettempdir()).glob("reportgen-uno-*-*")
    sockets = Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_reportgen-uno-*-*")
    for path in [*folders, *sockets]:
        pid = path.name.split("reportgen-uno-", 1)[1].split("-", 1)[0]
        if not pid.isdigit() or _running(int(pid)):
            continue
        if path.is_dir() and not path.is_symlink():
            remove_pipes(path / "profile")
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's
    return True


class UnoOffice:
    """One LibreOffice, started now, converting cover reports over UNO (see the module's docstring)."""

    def __init__(self, timeout: float = 120, warn=lambda _message: None):
        self.soffice = find_soffice()
        if self.soffice is None:
            raise LibreOfficeMissing()
        self.python = uno_python(self.soffice)
        self.timeout, self.warn = timeout, warn
        sweep_killed_builds()
        self._tmp = tempfile.TemporaryDirectory(prefix=f"reportgen-uno-{os.getpid()}-")
        self.root = Path(self._tmp.name)
        self.profile = self.root / "profile"
        self._seeded = seed_profile(self.profile, self.soffice)
        self._converted = False  # a profile is kept only from an office that has converted
        self.unavailable: str | None = None if self.python else "no Python with LibreOffice's uno module"
        self._numbers = itertools.count(1)
        self._helper: subprocess.Popen | None = None
        if self.python:
            self._start()

    # --- the helper's process ----------------------------------------------------------------

    def _start(self) -> None:
        tmp = self.root / "tmp"  # LibreOffice's own temporary files, removed with ours
        tmp.mkdir(exist_ok=True)
        self._pipe = pipe = f"reportgen-uno-{os.getpid()}-{next(self._numbers)}"
        command = [self.python, str(SCRIPT), self.soffice, self.profile.as_uri(), pipe, f"{READY_WITHIN:g}"]
        # Its own session: one killpg takes the script, soffice and soffice.bin, and Ctrl-C at
        # the terminal reaches only reportgen, which then stops them.
        self._helper = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, start_new_session=True,
                                        env={**os.environ, "TMPDIR": str(tmp)})
        self._buffer, self._ended = b"", False  # _ended: its stdout closed
        self._told: dict | None = None  # its first line, read when first needed
        self._ready_at: float | None = None

    def available(self, within: float = 15) -> bool:
        """Whether the helper imported uno (it says so at once, before starting LibreOffice)."""
        if self.unavailable is None and self._told is None:
            self._told = self._line(time.monotonic() + within) or {"unavailable": "it said nothing"}
            if "unavailable" in self._told:
                self.unavailable = self._told["unavailable"]
                self._kill()
        return self.unavailable is None

    def _line(self, deadline: float) -> dict | None:
        """The helper's next line; None when it exited or the deadline passed."""
        while b"\n" not in self._buffer:
            if self._helper is None:
                return None
            with selectors.DefaultSelector() as selector:
                selector.register(self._helper.stdout, selectors.EVENT_READ)
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    return None
            chunk = os.read(self._helper.stdout.fileno(), 65536)
            if not chunk:
                self._ended = True
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def alive(self) -> bool:
        return self._helper is not None and self._helper.poll() is None

    def _kill(self) -> None:
        if self._helper is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._helper.pid, signal.SIGKILL)
        self._helper.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._helper.pid, signal.SIGKILL)  # soffice.bin may outlive the script
        for stream in (self._helper.stdin, self._helper.stdout):
            with contextlib.suppress(OSError):
                stream.close()
        self._helper = None
        remove_pipes(self.profile, self._pipe)  # killed, LibreOffice leaves its sockets in /tmp

    def _restart(self, why: str) -> None:
        self._kill()
        self._start()
        self.warn(f"LibreOffice stopped ({why}); restarted it")

    def stop(self) -> None:
        """Stop the office and remove its files (keeping its profile for next time, the first time)."""
        if self.alive() and not self._seeded and self._converted:
            with contextlib.suppress(OSError):
                self._helper.stdin.write(b'{"quit": true}\n')
                self._helper.stdin.flush()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._helper.wait(timeout=30)  # LibreOffice writes its profile as it shuts down
            keep_profile(self.profile, self.soffice)
        self._kill()
        self._tmp.cleanup()

    def __enter__(self) -> UnoOffice:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # --- conversions ---------------------------------------------------------------------------

    def conversion(self, reports: list[tuple[str, bytes]]) -> UnoConversion | Conversion:
        """The reports' conversion, under way: by this office, or a cold one where uno is missing."""
        if not self.available():
            return Conversion(reports, self.timeout)
        if not self.alive():
            self._restart(self._gone())
        return UnoConversion(self, reports)

    def _gone(self) -> str:
        """Why the helper is no longer running, as it said, or its exit code."""
        while (told := self._line(time.monotonic())) is not None:
            if "stopped" in told:
                return told["stopped"]
        return f"it had exited, code {self._exit_code()}"

    def convert(self, reports: list[tuple[str, bytes]]) -> list[bytes]:
        """Each report's PDF, in order."""
        return self.conversion(reports).finish()

    def _send(self, jobs: list[list[str]]) -> int:
        """Hands a request to the helper, which takes it once LibreOffice is ready; its number."""
        number = next(self._numbers)
        request = {"id": number, "jobs": jobs, "filter": "writer_pdf_Export", "data": PDF_OPTIONS}
        try:
            self._helper.stdin.write((json.dumps(request) + "\n").encode())
            self._helper.stdin.flush()
        except (OSError, AttributeError):
            pass  # it has exited: the answer's absence says so
        return number

    def _answer(self, number: int, budget: float, sent: float) -> dict:
        """The helper's answer to request ``number``, due ``budget`` seconds after it was sent or
        LibreOffice was ready, whichever is later; raises _Stopped when there is none."""
        while True:
            start = max(sent, self._ready_at) if self._ready_at else sent + READY_WITHIN  # it gives up then
            told = self._line(start + budget)
            if told is None:
                if self.alive() and not self._ended:
                    raise _Stopped(f"no answer within {budget:g} s")
                raise _Stopped(f"it had exited, code {self._exit_code()}")
            if "stopped" in told:
                raise _Stopped(told["stopped"])
            if told.get("ready"):
                self._ready_at = time.monotonic()
            elif told.get("id") == number:
                return told  # other lines: {"uno": true}, or answers to a cancelled conversion

    def _exit_code(self):
        if self._helper is None:
            return None
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._helper.wait(timeout=1)
        return self._helper.returncode


class UnoConversion:
    """Reports being converted by a UnoOffice: handed over now, read back by ``finish`` (as Conversion)."""

    def __init__(self, office: UnoOffice, reports: list[tuple[str, bytes]]):
        self.office, self.names = office, [name for name, _ in reports]
        self.folder = Path(tempfile.mkdtemp(prefix="run-", dir=office.root))
        # Every meeting's cover is report.docx: numbered copies keep their PDFs apart.
        self.jobs = [[str(self.folder / f"{i}.docx"), str(self.folder / f"{i}.pdf")] for i in range(len(reports))]
        for (_, data), (docx, _) in zip(reports, self.jobs):
            Path(docx).write_bytes(data)
        self.number, self.sent = office._send(self.jobs), time.monotonic()

    def finish(self) -> list[bytes]:
        """Each report's PDF, in order: the office is restarted once if it died or hung."""
        office, budget = self.office, self.office.timeout * len(self.jobs)
        try:
            try:
                return self._pdfs(office._answer(self.number, budget, self.sent))
            except _Stopped as stopped:
                office._restart(str(stopped))
            if not office.available():
                return Conversion(list(zip(self.names, map(self._docx, self.jobs))), office.timeout).finish()
            self.number, self.sent = office._send(self.jobs), time.monotonic()
            try:
                return self._pdfs(office._answer(self.number, budget, self.sent))
            except _Stopped as again:
                office._kill()
                raise RenderError([Problem(self.names[0], f"LibreOffice could not convert it to PDF: it "
                                                          f"stopped again after a restart ({again})")]) from None
        finally:
            self.cancel()

    @staticmethod
    def _docx(job: list[str]) -> bytes:
        return Path(job[0]).read_bytes()

    def _pdfs(self, told: dict) -> list[bytes]:
        if "failed" in told:
            name = self.names[told["failed"]]
            raise RenderError([Problem(name, f"LibreOffice could not convert it to PDF: {told['why']}")])
        pdfs = []
        for name, (_, pdf) in zip(self.names, self.jobs):
            made = Path(pdf)
            if not made.is_file() or made.stat().st_size == 0:
                raise RenderError([Problem(name, "LibreOffice could not convert it to PDF: it wrote no PDF")])
            pdfs.append(made.read_bytes())
        self.office._converted = True
        return pdfs

    def cancel(self) -> None:
        """Forget the conversion (a late answer is skipped) and remove its files."""
        shutil.rmtree(self.folder, ignore_errors=True)


class _Stopped(Exception):
    """The office died, hung or could not start during a conversion."""
