"""LibreOffice's profiles (officeprofile.py): marked with the version, LibreOffice skips its graphics self-tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reportgen import officeprofile
from reportgen.libreoffice import PDF_FILTER, convert_docx_to_pdf

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def profile_with(tmp_path: Path, text: str) -> Path:
    profile = tmp_path / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / officeprofile.MODIFICATIONS).write_text(text, encoding="utf-8")
    return profile


def test_the_version_is_read_from_libreoffices_own_registry(tmp_path, monkeypatch):
    program = tmp_path / "lo" / "program"
    (tmp_path / "lo" / "share" / "registry").mkdir(parents=True)
    program.mkdir()
    (program / "soffice").write_text("#!/bin/sh\n")
    (tmp_path / "lo" / "share" / "registry" / "main.xcd").write_text(
        '<x><prop oor:name="ooSetupVersion">\n        <value>24.2</value>\n      </prop>'
        '<prop oor:name="ooSetupVersionAboutBox"><value>24.2.1.2</value></prop></x>', encoding="utf-8")
    monkeypatch.setattr(officeprofile, "_VERSIONS", {})
    assert officeprofile.installed_version(str(program / "soffice")) == "24.2"
    assert officeprofile.installed_version(str(tmp_path / "nowhere" / "soffice")) is None


def test_mark_version_adds_the_last_version_once(tmp_path, monkeypatch):
    monkeypatch.setattr(officeprofile, "installed_version", lambda _soffice: "7.4")
    profile = profile_with(tmp_path, XCU)
    officeprofile.mark_version(profile, "soffice")
    officeprofile.mark_version(profile, "soffice")
    text = (profile / officeprofile.MODIFICATIONS).read_text(encoding="utf-8")
    assert text.count('<prop oor:name="ooSetupLastVersion" oor:op="fuse"><value>7.4</value></prop>') == 1
    assert text.endswith("</item>\n</oor:items>\n") and text.startswith(XCU.rsplit("</oor:items>", 1)[0])
    assert [p.name for p in (profile / "user").iterdir()] == ["registrymodifications.xcu"]  # no staging left


def test_mark_version_leaves_a_profile_it_cannot_read_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(officeprofile, "installed_version", lambda _soffice: None)
    profile = profile_with(tmp_path, XCU)
    officeprofile.mark_version(profile, "soffice")  # no version found: only slower
    assert (profile / officeprofile.MODIFICATIONS).read_text(encoding="utf-8") == XCU
    officeprofile.mark_version(tmp_path / "no-profile", "soffice")


@needs_soffice
def test_a_marked_profile_starts_without_the_graphics_self_tests(tmp_path):
    """LibreOffice writes GraphicsRenderTests.log in the profile each time it runs them."""
    docx = tmp_path / "tiny.docx"
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph("Hello")
    document.save(docx)
    soffice = shutil.which("soffice")
    if not officeprofile.profile_cache(soffice).is_dir():
        convert_docx_to_pdf(docx, tmp_path / "first.pdf", timeout=120)  # keeps a profile
    logs = {}
    for marked in (False, True):
        profile = tmp_path / f"profile-{marked}"
        shutil.copytree(officeprofile.profile_cache(soffice), profile)
        (profile / "user" / "GraphicsRenderTests.log").unlink(missing_ok=True)
        text = (profile / officeprofile.MODIFICATIONS).read_text(encoding="utf-8")
        if not marked:  # as kept profiles were before
            text = text.replace(officeprofile.LAST_VERSION.format(version=officeprofile.installed_version(soffice)), "")
        (profile / officeprofile.MODIFICATIONS).write_text(text, encoding="utf-8")
        if marked:
            officeprofile.mark_version(profile, soffice)
        subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--nolockcheck", "--convert-to", PDF_FILTER, "--outdir", str(tmp_path / f"out-{marked}"),
                        str(docx)], capture_output=True, timeout=120, check=True)
        assert (tmp_path / f"out-{marked}" / "tiny.pdf").stat().st_size > 0
        logs[marked] = (profile / "user" / "GraphicsRenderTests.log").exists()
    assert logs == {False: True, True: False}
