"""Ships the house styles with the package: the only build step beyond pyproject.toml.

The repository's top-level templates/ and boilerplate/ (and the sample meeting that
`reportgen init` copies) are the one source. A wheel gets a copy of them inside the
package, as reportgen/_shipped/, made here at build time, so nothing is committed twice.
An editable install needs no copy: reportgen then finds them in the source checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SAMPLE_FILE = "data/init-sample.txt"  # names the one sample meeting that `reportgen init` copies


def _shipped() -> list[str]:
    """What goes under reportgen/_shipped/, by its path in the repository."""
    lines = (ROOT / SAMPLE_FILE).read_text(encoding="utf-8").splitlines()
    sample = next(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return ["templates", "boilerplate", f"data/{sample}"]


IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*", "~$*")


class BuildWithStyles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "reportgen" / "_shipped"
        shutil.rmtree(target, ignore_errors=True)  # a style deleted since the last build must not linger
        for place in _shipped():
            shutil.copytree(ROOT / place, target / place, ignore=IGNORE, dirs_exist_ok=True)
        shutil.copy2(ROOT / SAMPLE_FILE, target / SAMPLE_FILE)


setup(cmdclass={"build_py": BuildWithStyles})
