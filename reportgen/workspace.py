"""A council's own workspace: ``reportgen init DIR`` and ``reportgen styles``.

A workspace is a folder holding ``templates/`` (house styles), ``boilerplate/``
(paragraphs) and ``data/`` (one folder per meeting). A meeting finds its house
style and paragraphs in the nearest workspace above it first, then among those
shipped with reportgen (styles.py), so a council edits its own copies and
never the installed package. A source checkout of reportgen is itself a
workspace.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import Problem, ReportgenError
from .paths import display_path, is_inside
from .styles import STYLE_FILE, all_styles, shipped_root, workspace_of

SAMPLE_FILE = "init-sample.txt"  # data/init-sample.txt names the sample meeting `init` copies
_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")

README = """\
# Committee papers

This folder is a reportgen workspace: everything that makes your council's committee
performance papers, as files you can edit. No programming is needed.

| folder | what is in it | edit it to |
| --- | --- | --- |
| `data/<meeting>/` | one folder per meeting: `meeting.yaml` (date, committee, people, recommendations) and the indicator data (`indicators.csv`, `values.csv`, or an Excel workbook) | write each paper |
| `templates/<house style>/` | `style.yaml` (header block and its labels, sections, numbering, dates, recommendation wording) and `template.docx` (the Word styles: fonts, spacing, margins) | change how every paper looks |
| `boilerplate/<house style>/`, `boilerplate/common/` | the fixed paragraphs, one text file each | change the standing wording |

The sample meeting is `data/{sample}/`. House styles here: {styles}.

## Commands

```sh
reportgen styles                         # the house styles, and where each comes from
reportgen check data/{sample}            # every problem with a meeting, writing nothing
reportgen build data/{sample}            # report.docx, the scorecard and the agenda pack, in out/{sample}/
reportgen new data/NEXT --from data/{sample} --date YYYY-MM-DD   # start the next meeting's folder
```

To start a new house style, copy a folder in `templates/` under a new name, keep only the
keys you change in its `style.yaml` and add `inherit: <the style you copied>`; point a
meeting at it with `template: <new name>`. Put its own paragraphs in `boilerplate/<new name>/`.
Keep a paragraph that names your council in your style's folder, not in `boilerplate/common/`.
"""


def init_workspace(folder: Path | str) -> list[Path]:
    """Write a new workspace into ``folder`` (new or empty); return the top-level entries made."""
    target = Path(folder)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "is a file" if not target.is_dir() else "is not empty"
        raise ReportgenError([Problem(display_path(target), f"{what}; reportgen init writes a new workspace "
                                                            "into a new or empty folder and never overwrites")])
    source = shipped_root()
    name = sample_name()
    sample = source / "data" / name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "templates", target / "templates", ignore=_IGNORE)
    shutil.copytree(source / "boilerplate", target / "boilerplate", ignore=_IGNORE)
    shutil.copytree(sample, target / "data" / name, ignore=_IGNORE)
    styles = sorted(p.parent.name for p in (target / "templates").glob(f"*/{STYLE_FILE}"))
    text = README.format(sample=name, styles=", ".join(f"`{s}`" for s in styles))
    (target / "README.md").write_text(text, encoding="utf-8")
    return [target / n for n in ("README.md", "templates", "boilerplate", "data")]


def sample_name() -> str:
    """The shipped sample meeting's folder name, from data/init-sample.txt (its first line that is not a comment)."""
    lines = (shipped_root() / "data" / SAMPLE_FILE).read_text(encoding="utf-8").splitlines()
    return next(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def style_rows(folder: Path | str = ".") -> list[tuple[str, str, str, str]]:
    """(name, origin, where, description) for every house style seen from ``folder``."""
    from .styles import _read

    workspace = workspace_of(Path(folder))
    rows = []
    for name, path, shadowed in all_styles(Path(folder)):
        origin = "workspace" if workspace and is_inside(path, workspace) else "shipped"
        if shadowed:
            origin += " (not used: the workspace has its own)"
        try:
            raw = _read(path / STYLE_FILE)[0]
        except ReportgenError as exc:
            raw = {"description": f"broken: {exc.problems[0]}"}
        described = str(raw.get("description") or "")
        if raw.get("inherit"):
            described += f" (inherits {raw['inherit']})"
        rows.append((name, origin, display_path(path), described))
    return rows


def describe_source(folder: Path | str = ".") -> str:
    """One line saying where styles are looked for from ``folder``."""
    workspace, shipped = workspace_of(Path(folder)), shipped_root()
    if workspace and workspace.resolve() == shipped.resolve():
        return f"workspace {display_path(workspace)} (a source checkout: its styles are also the shipped ones)"
    where = f"workspace {display_path(workspace)}, then " if workspace else "no workspace here; "
    return f"{where}shipped with reportgen in {display_path(shipped)}"
