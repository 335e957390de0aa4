"""Paths named in files that people edit, kept inside the folders they may name.

A meeting file, a house style or a boilerplate name is written by someone who
is not a developer and may be copied from anywhere, so every path read from
one is resolved (symlinks and ``..`` included) and must land inside one of the
folders allowed for it: the meeting's own folder, or the workspace's and the
shipped house-style folders. Anything else is refused with a message that
names the key and the folders allowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return Path(path).as_posix() if relative.startswith("..") else Path(relative).as_posix()


def is_inside(path: Path, folder: Path) -> bool:
    """Whether ``path``, resolved, is ``folder`` or lies beneath it."""
    resolved, root = Path(path).resolve(), Path(folder).resolve()
    return resolved == root or root in resolved.parents


def outside_message(roots: Iterable[Path]) -> str:
    shown = ", ".join(display_path(Path(r)) for r in roots)
    return f"is outside the folders it may come from ({shown})"


def confined(path: Path, roots: Iterable[Path]) -> bool:
    """Whether ``path`` resolves inside any of ``roots``."""
    return any(is_inside(path, root) for root in roots)


def safe_name(name: str) -> bool:
    """A paragraph or style name is a plain file name: no folder, no '..', nothing hidden."""
    return bool(name) and name == Path(name).name and not name.startswith(".") and "\\" not in name
