"""Screenshots of a built report.html in headless Chromium, at a desktop width and at 320 px.

    .venv/bin/python scripts/screenshot_html.py out/kent-scs-2017-06/report.html [-o DIR]
        [--width 1280 --width 320] [--height 2000] [--top 0] [--scale 1]

Writes DIR/<meeting>-<width>.png for each width (DIR defaults to the page's
folder); ``--top`` starts the picture that many pixels down the page. 320 CSS
pixels is what a 1280-pixel window shows at 400% zoom (WCAG 1.4.10, reflow), so
the narrow shot stands for both. Chromium runs with
a fresh profile and no network features, so the shot shows the page as a file
alone can draw it. Install it with `apt-get install -y chromium` (as root).
Exit 2 when Chromium is missing, 3 when it makes no picture.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars")


def browser() -> str | None:
    return next(filter(None, map(shutil.which, BROWSERS)), None)


def screenshot(page: Path, png: Path, width: int, height: int = 2000, scale: float = 1, timeout: float = 120,
               top: int = 0) -> Path:
    """One shot of ``page`` in a ``width`` x ``height`` window (from ``top`` down); returns the PNG's path."""
    chromium = browser()
    if chromium is None:
        raise FileNotFoundError("Chromium is not installed; run: apt-get install -y chromium")
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="reportgen-chromium-") as profile:
        command = [chromium, *FLAGS, f"--user-data-dir={profile}", f"--force-device-scale-factor={scale:g}",
                   f"--screenshot={png.resolve()}", f"--window-size={width},{top + height}", page.resolve().as_uri()]
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    if not png.is_file():
        raise RuntimeError(f"Chromium made no screenshot of {page}")
    if top:  # a window as tall as the page down to the picture's foot, then cut (scrolling is not reliable)
        from PIL import Image  # Pillow comes with matplotlib

        with Image.open(png) as image:
            part = image.crop((0, round(top * scale), image.width, image.height))
        part.save(png, optimize=True)
    return png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("page", type=Path, help="a report.html")
    parser.add_argument("-o", "--out", type=Path, help="folder for the PNGs (default: the page's folder)")
    parser.add_argument("--width", type=int, action="append", help="window width in CSS pixels (repeatable)")
    parser.add_argument("--height", type=int, default=2000)
    parser.add_argument("--top", type=int, default=0, help="start this many CSS pixels down the page")
    parser.add_argument("--scale", type=float, default=1, help="device pixels per CSS pixel")
    args = parser.parse_args(argv)
    if browser() is None:
        print("screenshot_html: Chromium is not installed; run: apt-get install -y chromium", file=sys.stderr)
        return 2
    out = args.out or args.page.parent
    out.mkdir(parents=True, exist_ok=True)
    name = args.page.parent.name if args.page.name == "report.html" else args.page.stem
    try:
        for width in args.width or [1280, 320]:
            print(screenshot(args.page, out / f"{name}-{width}.png", width, args.height, args.scale, top=args.top))
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"screenshot_html: {exc}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
