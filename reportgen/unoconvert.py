"""Converts cover reports to PDF through LibreOffice's UNO API, for unooffice.UnoOffice.

This file runs as a script under the Python that has LibreOffice's ``uno``
module (Debian's python3-uno, or LibreOffice's own program/python), not
reportgen's: it imports nothing but the standard library and uno. It starts
soffice listening on a private pipe, connects to it, then converts what it is
asked on stdin, one JSON request a line, answering one JSON line each on stdout:

  {"uno": true} or {"unavailable": why}    at once, before LibreOffice starts
  {"ready": true} or {"stopped": why}      once connected (or not)
  request {"id": n, "jobs": [[docx, pdf], ...], "filter": name, "data": {option: value}}
  answer  {"id": n, "done": true} | {"id": n, "failed": index, "why": text} | {"id": n, "stopped": why}
  request {"quit": true}: LibreOffice is shut down cleanly (its profile is then worth keeping)

"stopped" means the office itself died or cannot be reached: the caller restarts
it. When stdin closes (the build ended, or died) or its caller dies, it kills
soffice and itself at once, whatever it is doing, so no LibreOffice outlives the
build that started it.
"""

import os
import sys

if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]  # reportgen's own modules are not for this Python

import json  # noqa: E402
import queue  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402


SAYING = threading.Lock()  # two threads answer: the conversions, and the watch on soffice


def answer(message):
    with SAYING:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()


def kill_all():
    os.killpg(os.getpgid(0), signal.SIGKILL)  # soffice, soffice.bin and this script: one group


def requests():
    """The requests on stdin, read by a thread: stdin closing kills everything, even mid-conversion."""
    lines = queue.Queue()

    def read():
        for line in sys.stdin:
            lines.put(json.loads(line))
        kill_all()

    threading.Thread(target=read, daemon=True).start()
    while True:
        yield lines.get()


def orphaned(caller):
    """The caller gone, killed: this script is handed to another parent, and ends everything.
    (Its stdin may stay open: a process the caller forked can hold the other end.)"""
    while os.getppid() == caller:
        time.sleep(0.2)
    kill_all()


def watch(process):
    """soffice exiting (killed, crashed) is said at once, and this script ends with it."""
    code = process.wait()
    answer({"stopped": f"it had exited, code {code}"})
    kill_all()


def connect(uno, process, pipe, ready_within):
    from com.sun.star.connection import NoConnectException

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + ready_within
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except NoConnectException:
            if process.poll() is not None:
                raise RuntimeError(f"it exited, code {process.returncode}, before it was ready") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"it did not start within {ready_within:g} s") from None
            time.sleep(0.02)


def properties(values):
    from com.sun.star.beans import PropertyValue

    return tuple(PropertyValue(Name=name, Value=value) for name, value in values.items())


def convert(uno, desktop, docx, pdf, filter_name, data):
    """As soffice --convert-to does it: loaded hidden and read-only, stored with the filter's data."""
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(docx), "_blank", 0,
                                            properties({"Hidden": True, "ReadOnly": True}))
    if document is None:
        raise ValueError("LibreOffice could not load it")
    try:
        # Typed, or pyuno would pass a sequence of Any, which the PDF filter ignores.
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", properties(data))
        store = {"FilterName": filter_name, "Overwrite": True, "FilterData": filter_data}
        document.storeToURL(uno.systemPathToFileUrl(pdf), properties(store))
    finally:
        document.close(True)


def serve(uno, desktop, process):
    from com.sun.star.lang import DisposedException

    for request in requests():
        if request.get("quit"):
            try:
                desktop.terminate()  # the watch then ends everything
            except Exception:  # noqa: BLE001 - the bridge going away as it closes
                pass
            time.sleep(30)
            return
        number = request["id"]
        for index, (docx, pdf) in enumerate(request["jobs"]):
            try:
                convert(uno, desktop, docx, pdf, request["filter"], request["data"])
            except Exception as error:  # noqa: BLE001 - every failure is told to the caller
                why = f"{type(error).__name__}: {getattr(error, 'Message', '') or error}"
                if isinstance(error, DisposedException) or process.poll() is not None:
                    try:  # soffice.bin killed: its launcher follows it at once
                        why = f"it had exited, code {process.wait(timeout=5)}"
                    except subprocess.TimeoutExpired:
                        pass
                    answer({"id": number, "stopped": why})
                    return
                answer({"id": number, "failed": index, "why": why})  # a document it cannot load or store
                break
        else:
            answer({"id": number, "done": True})


def main(soffice, profile_uri, pipe, ready_within):
    try:
        import uno
    except ImportError as error:
        answer({"unavailable": f"{sys.executable} cannot import uno ({error})"})
        return 3
    threading.Thread(target=orphaned, args=(os.getppid(),), daemon=True).start()
    answer({"uno": True})
    command = [soffice, f"-env:UserInstallation={profile_uri}", "--headless", "--invisible", "--norestore",
               "--nolockcheck", "--nodefault", f"--accept=pipe,name={pipe};urp;"]
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:  # whatever happens here (the caller gone: a broken pipe), soffice ends with this script
        threading.Thread(target=watch, args=(process,), daemon=True).start()
        try:
            desktop = connect(uno, process, pipe, ready_within)
        except Exception as error:  # noqa: BLE001
            answer({"stopped": str(error)})
            return 1
        answer({"ready": True})
        serve(uno, desktop, process)
    finally:
        kill_all()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])))
