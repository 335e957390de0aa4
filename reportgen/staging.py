"""Putting a meeting's finished pack in place so that it is never half there.

Every output of a meeting is written into a hidden staging folder beside its
pack (``OUT/.<meeting>.tmp-<pid>-<random>``), flushed to disk (each file and
the folder itself), and only then swapped with the pack folder.

The swap is one system call on Linux, ``renameat2(RENAME_EXCHANGE)``: the two
folders trade names atomically, so at every instant the pack's path holds a
complete pack, the previous one or the new one. (Two renames, old aside then new
in, leave an instant with no pack at the path; a ``current`` symlink flip would
change what users see on disk into a link, which some council file shares and
zip tools handle badly.) The previous pack, now under the staging name, is then
removed. Where the exchange is not available (another OS, or a file system
without it) the two renames are used, and the previous pack is moved back if
the second fails.

A build killed part-way leaves only hidden staging folders: their names carry
the building process's id, and the next build of the same output folder sweeps
those whose process is no longer running.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import signal
from pathlib import Path

from .atomic import umask

RENAME_EXCHANGE = 2  # from <linux/fs.h>
AT_FDCWD = -100
_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:tmp|old)-(?P<pid>\d+)-[0-9a-f]+$")


def _pause_for_tests(point: str) -> None:
    # The fault tests stop a real build here (SIGSTOP to itself) and kill it:
    # the only way to kill a process at one exact instant.
    if os.environ.get("REPORTGEN_TEST_STOP_AT") == point:
        os.kill(os.getpid(), signal.SIGSTOP)


def _libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def exchange(a: Path, b: Path) -> bool:
    """Swap the names of ``a`` and ``b`` atomically; False when this system cannot."""
    libc = _libc()
    function = getattr(libc, "renameat2", None) if libc is not None else None
    if function is None:
        return False
    result = function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False  # the file system has no exchange: fall back to two renames
    raise OSError(code, os.strerror(code), str(b))


def fsync_tree(folder: Path) -> None:
    """Flush every file in ``folder`` and the folder itself to disk, so a power cut keeps the pack."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
    fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot sync a folder; the files are synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: leave its folder alone
    return True


def sweep(out_dir: Path) -> list[Path]:
    """Remove staging folders left in ``out_dir`` by builds that were killed; return them."""
    removed = []
    if not out_dir.is_dir():
        return removed
    for path in sorted(out_dir.iterdir()):
        match = _STAGING.match(path.name)
        if match and not _alive(int(match["pid"])) and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


class Staging:
    """Build one meeting's outputs in a hidden folder, then swap it in for ``target``.

    ``with Staging(out / "kent-scs-2017-06") as stage:`` write into ``stage.path``;
    when the block ends normally the folder replaces the target, and when it raises
    the folder is removed and the previous target is left as it was.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.path: Path | None = None

    def __enter__(self) -> Staging:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        name = f".{self.target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.target.parent / name
        self.path.mkdir(mode=0o777 & ~umask())  # readable by colleagues, as the pack will be
        return self

    def write_bytes(self, name: str, data: bytes) -> Path:
        assert self.path is not None, "use Staging in a with block"
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        _pause_for_tests("write")
        return path

    def __exit__(self, exc_type, exc, tb) -> bool:
        assert self.path is not None
        try:
            if exc_type is None:
                fsync_tree(self.path)
                self._swap()
        finally:
            shutil.rmtree(self.path, ignore_errors=True)
        return False

    def _swap(self) -> None:
        assert self.path is not None
        if not os.path.lexists(self.target):
            os.rename(self.path, self.target)
        elif not exchange(self.path, self.target):
            self._swap_by_renames()
        # self.path now holds the previous pack (or nothing); __exit__ removes it.
        _pause_for_tests("swap")
        fsync_dir(self.target.parent)

    def _swap_by_renames(self) -> None:
        assert self.path is not None
        old = self.path.with_name(self.path.name.replace(".tmp-", ".old-", 1))
        os.rename(self.target, old)
        try:
            os.rename(self.path, self.target)
        except BaseException:
            os.rename(old, self.target)
            raise
        os.rename(old, self.path)
