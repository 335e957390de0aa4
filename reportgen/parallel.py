"""Work on both cores: functions run in forked processes beside this one.

Forking after the imports gives each child every library already loaded, and
its arguments are inherited rather than pickled; only results come back.

A process can also be forked *before* the imports (``warm_up``): it loads its
own libraries (reportlab and the scorecard's fonts) while this process loads
the meeting, then takes one job whose arguments are pickled to it. That saves
the child's start-up, and the child does not hold a copy of this process's
memory: at 5,000 indicators the pickled scores are 6 MB, the loaded data this
process keeps 130 MB.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

from .errors import RenderError


def _fork_context():
    import multiprocessing  # here: `reportgen check`, which forks nothing, does not load it

    return multiprocessing.get_context("fork")


def workers(jobs: int) -> int:
    """Processes to use: one per core, at most one per job; REPORTGEN_WORKERS=1 turns it off."""
    wanted = os.environ.get("REPORTGEN_WORKERS", "").strip()
    limit = int(wanted) if wanted.isdigit() and int(wanted) > 0 else (os.cpu_count() or 1)
    return max(1, min(limit, jobs))


class _Here:
    """fn(*args), computed now in this process."""

    def __init__(self, fn, *args):
        self.value = fn(*args)

    def result(self):
        return self.value

    def stop(self) -> None:
        pass


class _Forked:
    """fn(*args), computed in a forked child process on another core.

    Forking after the imports gives the child every library already loaded, and
    the arguments are inherited rather than pickled (a council-wide ScoreSet is
    tens of megabytes); only the result comes back through the pipe.
    """

    doing = "drawing the scorecard"  # what the process is for, to say when it ends without a result

    def __init__(self, fn, *args):
        self._fork(_send_result, fn, args)

    def _fork(self, work, *args, duplex: bool = False) -> None:
        """Start ``work(child's end of the pipe, *args)`` in a forked child; keep this end."""
        context = _fork_context()
        self._pipe, child_end = context.Pipe(duplex=duplex)
        self._process = context.Process(target=_in_child, args=(os.getpid(), self._pipe, work, child_end, *args),
                                        daemon=True)
        self._process.start()
        child_end.close()

    def result(self):
        try:
            return self._receive()
        finally:
            self.stop()

    def _receive(self):
        try:
            ok, value = self._pipe.recv()
            if ok == _BYTES:
                ok, value = True, self._pipe.recv_bytes()
        except EOFError:
            raise Ended(f"the process {self.doing} ended without a result") from None
        if ok:
            return value
        raise value

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._pipe.close()


def _in_child(parent: int, parents_end, work, *args) -> None:
    # The fork copied this process's end of the pipe too: closed here, so that when this
    # process dies (even by SIGKILL) the child's recv() sees the end and its send() fails,
    # rather than waiting on a pipe only it still holds.
    parents_end.close()
    _die_with_parent(parent)
    work(*args)


def _die_with_parent(parent: int) -> None:
    """Linux: this child is killed when the process that forked it ends, however it ends.

    An end seen through the pipe comes only between jobs, and a child forked later
    holds a copy of the pipes of those forked before it; a child outliving the build
    would keep its standard output and error open, on which whoever ran the build waits.
    """
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # it ended before the prctl took
            os._exit(1)


class Ended(RenderError):
    """The process died (killed, out of memory) before it sent its result."""


_BYTES = "bytes follow"  # a result that is bytes (a PDF) is sent as it is, not pickled


def _send_result(sender, fn, args) -> None:
    try:
        _send_outcome(sender, fn, args)
    finally:
        sender.close()


def _send_outcome(sender, fn, args) -> None:
    try:
        outcome = (True, fn(*args))
    except BaseException as exc:  # sent back to be raised in the parent
        outcome = (False, exc)
    try:
        if outcome[0] and isinstance(outcome[1], bytes):
            # Pickling a 40 MB scorecard would hold a second copy in each process.
            sender.send((_BYTES, None))
            sender.send_bytes(outcome[1])
            return
        sender.send(outcome)
    except Exception as exc:  # an exception that cannot be pickled: keep its words
        sender.send((False, RenderError(f"{type(outcome[1]).__name__}: {outcome[1]} ({exc})")))


class _Warm(_Forked):
    """A child forked early, which runs ``prepare`` (its imports) and then waits for one job."""

    def __init__(self, prepare: Callable[[], None]):  # not super().__init__: that forks with a job
        self._fork(_serve, prepare, duplex=True)

    def give(self, fn, args) -> bool:
        """Hand over the job; False when the child is gone (the caller then forks afresh)."""
        try:
            self._pipe.send((fn, args))
            return True
        except (OSError, ValueError):  # BrokenPipeError: it has exited
            self.stop()
            return False


def _serve(conn, prepare: Callable[[], None]) -> None:
    try:
        prepare()
    except Exception:  # noqa: BLE001 - the job will meet the same problem, and report it
        pass
    try:
        job = conn.recv()
    except EOFError:  # not needed after all
        return
    _send_result(conn, *job)


_warm: _Warm | None = None


def warm_up(prepare: Callable[[], None]) -> None:
    """Fork the next job's process now, to run ``prepare`` while this one gets on (two or more cores)."""
    global _warm
    if _warm is None and workers(2) > 1:
        _warm = _Warm(prepare)


def cool_down() -> None:
    """Stop the process ``warm_up`` started, if no job took it."""
    global _warm
    if _warm is not None:
        _warm.stop()
        _warm = None


def _take_warm(fn, args) -> _Warm | None:
    global _warm
    warm, _warm = _warm, None
    return warm if warm is not None and warm.give(fn, args) else None


class _Standing(_Warm):
    """A child forked early that runs ``prepare`` and then does jobs one at a time, until stopped.

    For work that needs much memory of its own but little of this process's:
    forked while this process is small, it does not count this process's
    memory in its own (a child forked later would, for every page it shares).
    """

    doing = "merging the agenda pack"

    def __init__(self, prepare: Callable[[], None]):
        self._fork(_serve_each, prepare, duplex=True)

    def run(self, fn, args):
        """fn(*args) there; raises what it raised. Raises _Gone if the process had already ended."""
        if not self.give(fn, args):
            raise _Gone
        return self._receive()


class _Gone(Exception):
    pass


def _serve_each(conn, prepare: Callable[[], None]) -> None:
    try:
        prepare()
    except Exception:  # noqa: BLE001 - the job will meet the same problem, and report it
        pass
    try:
        while True:
            try:
                job = conn.recv()
            except EOFError:  # this process is done with it (or has died)
                return
            _send_outcome(conn, *job)
    finally:
        conn.close()


_standing: _Standing | None = None


def stand_by(prepare: Callable[[], None]) -> None:
    """Fork, now, a process for ``apart`` jobs, while this one is still small; ``prepare`` runs there.

    On one core too: what it is for is memory, not speed. Not when
    REPORTGEN_WORKERS=1 asks for one process.
    """
    global _standing
    if _standing is None and os.environ.get("REPORTGEN_WORKERS", "").strip() != "1":
        _standing = _Standing(prepare)


def stand_down() -> None:
    """Stop the process ``stand_by`` started."""
    global _standing
    if _standing is not None:
        _standing.stop()
        _standing = None


def apart(fn, *args):
    """fn(*args) in the process ``stand_by`` started, or here when there is none (or it has gone).

    An error there is raised here; if that process ends during the job (killed,
    out of memory) it is a RenderError, and it is not used again.
    """
    global _standing
    if _standing is not None:
        try:
            return _standing.run(fn, args)
        except _Gone:
            _standing = None
        except Ended:
            stand_down()
            raise
    return fn(*args)


class Named:
    """A function named by its module, imported when it is called: sent to a warm process, it
    pickles as two strings, so the parent need not import the module (reportlab) to send it."""

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def __call__(self, *args, **kwargs):
        import importlib

        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)


@contextlib.contextmanager
def beside(parallel: bool):
    """Start functions beside this process (or here when not parallel); stop them on the way out.

    ``start(fn, *args)`` gives the job to the process ``warm_up`` started, when
    there is one, and otherwise forks one.
    """
    started = []

    def start(fn, *args):
        job = (_take_warm(fn, args) if parallel else None) or (_Forked if parallel else _Here)(fn, *args)
        started.append(job)
        return job

    try:
        yield start
    finally:
        for job in started:
            job.stop()
