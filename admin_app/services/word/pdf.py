"""The print preview: a Word file to PDF through LibreOffice, with the Chinese faces mapped."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# ---- print preview ------------------------------------------------------------------

# 宋体/黑体 are not installed on Linux; tell fontconfig which Noto faces stand in for them.
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{base}</include>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimHei</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
"""


def to_pdf(docx: bytes, timeout: int = 120) -> bytes:
    """The document as PDF through LibreOffice (headless, a private profile per call)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("未安装 LibreOffice（soffice），无法生成 PDF")
    with tempfile.TemporaryDirectory(prefix="wbz-pdf-") as tmp:
        work = Path(tmp)
        source = work / "form.docx"
        source.write_bytes(docx)
        conf = work / "fonts.conf"
        base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
        conf.write_text(_FONTS_CONF.format(base=base), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": tmp}
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
        target = work / "form.pdf"
        if not target.is_file():
            raise RuntimeError("LibreOffice 未能生成 PDF")
        return target.read_bytes()
