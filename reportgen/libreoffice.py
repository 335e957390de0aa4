"""The cover report to tagged PDF, by headless LibreOffice.

Starting LibreOffice costs more than converting a cover report, so a build
converts every meeting's cover with one soffice process and starts it as soon
as the covers exist (``Conversion``). Each conversion has a private user
profile, so parallel builds never block each other.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .atomic import atomic_write_bytes
from .errors import Problem, RenderError
from .officeprofile import keep_profile as _keep_profile, remove_pipes, seed_profile as _seed_profile

INSTALL_LIBREOFFICE = "apt-get install libreoffice-writer-nogui"
# LibreOffice 7.4+ reads filter options as JSON. Tagged PDF gives screen readers the
# headings, lists and tables of the cover report; PDFUACompliance (LibreOffice 7.0+)
# adds what PDF/UA-1 asks beyond tags (XMP with dc:title and pdfuaid:part, no role
# mapping of standard types, alternative text checks). Bookmarks come from the
# headings; the cover has no form to fill in, and reviewers' comments stay out of it.
PDF_OPTIONS = {
    "UseTaggedPDF": True,
    "PDFUACompliance": True,
    "ExportBookmarks": True,
    "DisplayPDFDocumentTitle": True,
    "ExportFormFields": False,
    "ExportNotes": False,
}
PDF_FILTER = "pdf:writer_pdf_Export:" + json.dumps(
    {name: {"type": "boolean", "value": str(on).lower()} for name, on in PDF_OPTIONS.items()},
    separators=(",", ":"))


class LibreOfficeMissing(RenderError):
    """soffice is not installed, so the cover report cannot be converted to PDF."""

    def __init__(self) -> None:
        super().__init__(
            "LibreOffice (soffice) is not installed, so the agenda pack PDF was not made; "
            f"install it with: {INSTALL_LIBREOFFICE}"
        )

    def __reduce__(self):
        return type(self), ()



def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_docx_to_pdf(docx: Path, pdf: Path, timeout: float = 120) -> Path:
    """Convert ``docx`` to a tagged PDF at ``pdf`` with headless LibreOffice."""
    docx, pdf = Path(docx), Path(pdf)
    if find_soffice() is None:
        raise LibreOfficeMissing()
    if not docx.is_file():
        raise RenderError([Problem(str(docx), "no such file to convert to PDF")])
    (data,) = Conversion([(str(docx), docx.read_bytes())], timeout).finish()
    atomic_write_bytes(pdf, data)
    return pdf


class Conversion:
    """Cover reports being converted to tagged PDF by one LibreOffice process, started now.

    Starting LibreOffice costs more than converting a cover report, so a build
    converts every meeting's cover in one process, and starts it as soon as the
    covers exist, to run while the rest of the build goes on; ``finish`` waits
    for it. Each conversion has its own user profile: two soffice processes
    sharing one profile block each other.
    """

    def __init__(self, reports: list[tuple[str, bytes]], timeout: float = 120):
        soffice = find_soffice()
        if soffice is None:
            raise LibreOfficeMissing()
        self.names = [name for name, _ in reports]
        self.timeout = timeout * len(reports)
        self._tmp = tempfile.TemporaryDirectory(prefix="reportgen-soffice-")
        root = Path(self._tmp.name)
        self._out = root / "out"
        (root / "in").mkdir()
        # Every meeting's cover is report.docx: numbered copies keep their PDFs apart.
        self._sources = [root / "in" / f"{i}.docx" for i in range(len(reports))]
        for (_, data), source in zip(reports, self._sources):
            source.write_bytes(data)
        self._profile = root / "profile"
        self._seeded = _seed_profile(self._profile, soffice)
        command = [
            soffice, f"-env:UserInstallation={self._profile.as_uri()}",
            "--headless", "--norestore", "--nolockcheck",
            "--convert-to", PDF_FILTER, "--outdir", str(self._out), *map(str, self._sources),
        ]
        # A new session lets a timeout kill soffice.bin too, not only the oosplash launcher.
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                         start_new_session=True)

    def finish(self) -> list[bytes]:
        """Wait for LibreOffice; return each report's PDF, in order."""
        try:
            returncode, output = self._wait()
            pdfs = []
            for name, source in zip(self.names, self._sources):
                made = self._out / f"{source.stem}.pdf"
                # soffice exits 0 even when it could not load the file, so the PDF itself is the test.
                if returncode != 0 or not made.is_file() or made.stat().st_size == 0:
                    raise RenderError([Problem(
                        name, f"LibreOffice could not convert it to PDF (exit code {returncode}):\n{output}")])
                pdfs.append(made.read_bytes())
            if not self._seeded:
                _keep_profile(self._profile, find_soffice() or "soffice")
            return pdfs
        finally:
            self.cancel()

    def _wait(self) -> tuple[int, str]:
        try:
            out, err = self._process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.cancel()
            out, err = self._process.communicate()
            message = f"LibreOffice did not finish converting it to PDF within {self.timeout:g} s:\n"
            raise RenderError([Problem(self.names[0], message + _decode(err, out))]) from None
        return self._process.returncode, _decode(err, out)

    def cancel(self) -> None:
        """Stop LibreOffice if it is still running and remove its files."""
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
            remove_pipes(self._profile)
        self._tmp.cleanup()


def _decode(err: bytes, out: bytes) -> str:
    text = (err or b"").decode("utf-8", "replace") + "\n" + (out or b"").decode("utf-8", "replace")
    # Headless soffice always warns about Java, which would hide the real message.
    lines = [line for line in text.splitlines() if line.strip() and "javaldx" not in line]
    return "\n".join(lines) or "(LibreOffice printed nothing)"


class WarmOffice:
    """One LibreOffice kept running between conversions (``reportgen build --watch``).

    A second ``soffice`` given the same user profile hands its ``--convert-to``
    to the running one over LibreOffice's own IPC pipe and exits when it is done:
    about half a second instead of two for a cold start. The running office
    shuts itself down after a handed-over conversion when no document is open,
    so it keeps a placeholder text file open. It listens on a private pipe,
    ``reportgen-<pid>``, which also tells us when it is ready. A stopped or hung
    office is restarted once per conversion, saying so through ``warn``.
    """

    def __init__(self, timeout: float = 120, warn=lambda _message: None):
        self.soffice = find_soffice()
        if self.soffice is None:
            raise LibreOfficeMissing()
        self.timeout, self.warn = timeout, warn
        self._tmp = tempfile.TemporaryDirectory(prefix=f"reportgen-warm-{os.getpid()}-")
        self.root = Path(self._tmp.name)
        self.profile = self.root / "profile"
        self.pid_file = self.root / "soffice.pid"  # the listening soffice's process group, for tests and tools
        self.pipe = f"reportgen-{os.getpid()}"
        (self.root / "keep.txt").write_text("reportgen keeps LibreOffice running with this file open\n")
        _seed_profile(self.profile, self.soffice)
        self._server: subprocess.Popen | None = None
        self._runs = 0
        self._start()

    def _profile_arg(self) -> str:
        return f"-env:UserInstallation={self.profile.as_uri()}"

    def _pipe_path(self) -> Path:
        return Path(tempfile.gettempdir()) / f"OSL_PIPE_{os.getuid()}_{self.pipe}"

    def _start(self, ready_within: float = 60) -> None:
        self._pipe_path().unlink(missing_ok=True)
        command = [self.soffice, self._profile_arg(), "--headless", "--norestore", "--nolockcheck",
                   f"--accept=pipe,name={self.pipe};urp;", str(self.root / "keep.txt")]
        self._server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        start_new_session=True)
        self.pid_file.write_text(f"{self._server.pid}\n")
        deadline = time.monotonic() + ready_within
        while not self._pipe_path().exists():  # the pipe is opened once the office is ready
            if self._server.poll() is not None or time.monotonic() > deadline:
                self._kill()
                raise RenderError(f"LibreOffice did not start within {ready_within:g} s")
            time.sleep(0.05)

    def alive(self) -> bool:
        return self._server is not None and self._server.poll() is None

    def conversion(self, reports: list[tuple[str, bytes]]) -> WarmConversion:
        """The reports' conversion, under way in a thread."""
        return WarmConversion(self, reports)

    def convert(self, reports: list[tuple[str, bytes]]) -> list[bytes]:
        """Each report's PDF, in order, converted by the running office (restarted once if it stopped)."""
        if not self.alive():
            code = self._server.returncode if self._server else None
            self._restart(f"it had exited, code {code}" if code is not None else "it was not running")
        try:
            return self._convert(reports)
        except _Stopped as stopped:
            self._restart(str(stopped))
            return self._convert(reports, final=True)

    def _restart(self, why: str) -> None:
        self._kill()
        self._start()
        self.warn(f"LibreOffice stopped ({why}); restarted it")

    def _convert(self, reports: list[tuple[str, bytes]], final: bool = False) -> list[bytes]:
        self._runs += 1
        folder = self.root / f"run-{self._runs}"
        sources = [folder / "in" / f"{i}.docx" for i in range(len(reports))]
        (folder / "in").mkdir(parents=True)
        for (_, data), source in zip(reports, sources):
            source.write_bytes(data)
        command = [self.soffice, self._profile_arg(), "--headless", "--norestore", "--nolockcheck",
                   "--convert-to", PDF_FILTER, "--outdir", str(folder / "out"), *map(str, sources)]
        timeout = self.timeout * len(reports)
        client = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = client.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(client)
            if not final:
                raise _Stopped(f"no answer within {timeout:g} s") from None
            raise RenderError([Problem(reports[0][0], f"LibreOffice did not finish converting it to PDF "
                                                      f"within {timeout:g} s, even after a restart")]) from None
        try:
            return [self._made(name, folder / "out" / f"{source.stem}.pdf", client.returncode, _decode(err, out))
                    for (name, _), source in zip(reports, sources)]
        except RenderError:
            if not final and not self.alive():
                raise _Stopped(f"exit code {self._server.returncode}") from None
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    @staticmethod
    def _made(name: str, made: Path, returncode: int, output: str) -> bytes:
        # soffice exits 0 even when it could not load the file, so the PDF itself is the test.
        if returncode != 0 or not made.is_file() or made.stat().st_size == 0:
            raise RenderError([Problem(
                name, f"LibreOffice could not convert it to PDF (exit code {returncode}):\n{output}")])
        return made.read_bytes()

    def _kill(self) -> None:
        if self._server is not None:
            _kill_group(self._server)
        self._pipe_path().unlink(missing_ok=True)
        remove_pipes(self.profile)

    def stop(self) -> None:
        """Stop the office and remove its profile."""
        if self._server is not None and self._server.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._server.pid, signal.SIGTERM)  # LibreOffice shuts down cleanly on SIGTERM
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._server.wait(timeout=10)
        self._kill()
        self._tmp.cleanup()

    def __enter__(self) -> WarmOffice:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class WarmConversion:
    """Reports being converted by a WarmOffice, in a thread, so the build goes on meanwhile (as Conversion)."""

    def __init__(self, office: WarmOffice, reports: list[tuple[str, bytes]]):
        self._pool = ThreadPoolExecutor(1)
        self._future = self._pool.submit(office.convert, reports)

    def finish(self) -> list[bytes]:
        """Each report's PDF, in order."""
        return self._future.result()

    def cancel(self) -> None:
        # Waits for a conversion under way: the next build must not share the office with it.
        self._pool.shutdown(wait=True)


class _Stopped(Exception):
    """The warm office died or hung during a conversion."""


def _kill_group(process: subprocess.Popen) -> None:
    # Its own session: killing the group takes soffice.bin too, not only the oosplash launcher.
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # soffice.bin may outlive its launcher
    process.wait()
