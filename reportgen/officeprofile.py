"""LibreOffice's user profiles for reportgen's conversions: kept, copied, marked, tidied.

Each conversion has a private profile (two soffice processes sharing one block
each other), started as a copy of one kept per LibreOffice installation, since
setting a profile up costs a first run a tenth of a second. The copy is marked
as having run this LibreOffice version before (``mark_version``): otherwise
headless LibreOffice, which never records the version, runs its graphics
self-tests at every start (GraphicsRenderTests: sixteen 4096 x 4096 pictures
drawn and thrown away), about 0.3 s of CPU, more than half of its start-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

MODIFICATIONS = Path("user") / "registrymodifications.xcu"
LAST_VERSION = ('<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" '
                'oor:op="fuse"><value>{version}</value></prop></item>\n')


def profile_cache(soffice: str) -> Path:
    """Where a first-run LibreOffice profile is kept, one per LibreOffice installation."""
    binary = Path(shutil.which(soffice) or soffice).resolve()
    stamp = int(binary.stat().st_mtime) if binary.exists() else 0
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder (a bare service account): keep it beside other temporary files
        base = Path(tempfile.gettempdir())
    # "-v2": kept profiles marked with the version (mark_version); earlier ones are left as they were.
    return base / "reportgen" / f"libreoffice-profile-{stamp}-v2"


def seed_profile(profile: Path, soffice: str) -> bool:
    """Start a private profile as a copy of a kept one: LibreOffice's first run
    spends a tenth of a second setting a new profile up. Each conversion still
    has its own copy, so parallel builds never share one."""
    kept = profile_cache(soffice)
    try:
        mark_version(kept, soffice)  # once: a kept profile marked stays marked
        shutil.copytree(kept, profile)
        return True
    except OSError:
        shutil.rmtree(profile, ignore_errors=True)
        return False


def keep_profile(profile: Path, soffice: str) -> None:
    kept = profile_cache(soffice)
    if kept.exists():
        return
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".profile-", dir=kept.parent))
    except OSError:
        return  # no cache is only slower
    try:
        shutil.copytree(profile, staging, dirs_exist_ok=True)
        mark_version(staging, soffice)
        os.rename(staging, kept)  # fails harmlessly when another build kept one first
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def pipe_files(profile: Path, *names: str) -> list[Path]:
    """The sockets a LibreOffice using ``profile`` opens (its own, and those ``--accept`` names):
    left behind when it is killed. LibreOffice puts them in /tmp (/var/tmp if it cannot) and
    names its own after the MD5 of the profile's URL (as UTF-16, each byte in hex unpadded)."""
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le")).digest()
    names = (f"SingleOfficeIPC_{''.join(format(byte, 'x') for byte in digest)}", *names)
    return [Path(folder) / f"OSL_PIPE_{os.getuid()}_{name}" for folder in ("/tmp", "/var/tmp") for name in names]


def remove_pipes(profile: Path, *names: str) -> None:
    for path in pipe_files(profile, *names):
        with contextlib.suppress(OSError):
            if path.is_socket():
                path.unlink()




def mark_version(profile: Path, soffice: str) -> None:
    """Record in ``profile`` that this LibreOffice version has run with it (see the module's docstring)."""
    modifications = profile / MODIFICATIONS
    try:
        text = modifications.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    if "ooSetupLastVersion" in text or "</oor:items>" not in text:
        return
    version = installed_version(soffice)
    if version is None:
        return  # only slower
    head, tail = text.rsplit("</oor:items>", 1)
    marked = head + LAST_VERSION.format(version=version) + "</oor:items>" + tail
    staged = modifications.with_name(f".{modifications.name}.{os.getpid()}")
    with contextlib.suppress(OSError):
        staged.write_text(marked, encoding="utf-8")
        os.replace(staged, modifications)  # a build copying the kept profile meanwhile sees one or the other


_VERSIONS: dict[str, str | None] = {}


def installed_version(soffice: str) -> str | None:
    """LibreOffice's own "major.minor" (ooSetupVersion in its main registry), e.g. "7.4"; None if not found."""
    if soffice not in _VERSIONS:
        program = Path(shutil.which(soffice) or soffice).resolve().parent
        try:
            text = (program.parent / "share" / "registry" / "main.xcd").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        found = re.search(r'<prop oor:name="ooSetupVersion">\s*<value>([0-9]+\.[0-9]+)</value>', text)
        _VERSIONS[soffice] = found.group(1) if found else None
    return _VERSIONS[soffice]
