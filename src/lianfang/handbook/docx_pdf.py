"""``handbook.pdf``: the Word handbook converted by LibreOffice (``soffice --headless``).

The Word document names the fonts Chinese offices have (方正小标宋简体, 黑体, 楷体, 仿宋, 宋体). A
Linux machine has none of them, and fontconfig would hand LibreOffice a Latin font for each, so
that the PDF's Chinese text comes from whatever fallback LibreOffice finds glyph by glyph. The
conversion therefore runs with a fontconfig file of its own that includes the system's and maps
each office font to the Noto CJK face of the same kind (serif for 宋体/仿宋/楷体/小标宋, sans
for 黑体), so the PDF looks like the printed document and embeds real CJK fonts (no Type 3).

The charts go into the PDF losslessly (LibreOffice would make JPEGs of them by default, which
blurs the lines and small text of a flowchart).

LibreOffice does not update fields when it converts (``--convert-to pdf`` prints the table of
contents as the .docx caches it). So the conversion runs a small Basic macro instead: it opens
the document hidden, updates every index (the table of contents, with LibreOffice's own page
numbers) and the fields, and exports the PDF. The macro lives in a throw-away LibreOffice profile
(created by a first ``--terminate_after_init`` start, then the module is written into it: a new
profile's first start would overwrite it). Should the macro route fail, the plain conversion is
used and the caller is told that the contents' page numbers were not updated.

LibreOffice runs with that profile (it refuses to share one with a running instance) and a time
limit; the PDF is read back and the temporary folder removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from lianfang.errors import LianfangError
from lianfang.i18n import tr

TIMEOUT = 900  # seconds: a 50-unit handbook has thousands of pages
SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"
# office font → the Linux face that stands in for it in the PDF
FONT_ALIASES = {
    "方正小标宋简体": SERIF, "方正小标宋_GBK": SERIF, "小标宋": SERIF,
    "宋体": SERIF, "SimSun": SERIF, "新宋体": SERIF, "NSimSun": SERIF,
    "仿宋": SERIF, "仿宋_GB2312": SERIF, "FangSong": SERIF, "FangSong_GB2312": SERIF,
    "楷体": SERIF, "楷体_GB2312": SERIF, "KaiTi": SERIF, "KaiTi_GB2312": SERIF,
    "黑体": SANS, "SimHei": SANS, "微软雅黑": SANS, "Microsoft YaHei": SANS,
}
BOLD_FACES = ("方正小标宋简体", "方正小标宋_GBK", "小标宋")


class PdfProblem(LianfangError):
    """LibreOffice is missing or could not convert the document."""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_soffice_message() -> str:
    return tr(
        "生成 PDF 需要 LibreOffice（soffice），但没有找到。Debian/Ubuntu：sudo apt-get install -y "
        "libreoffice-writer-nogui fonts-noto-cjk；macOS：brew install --cask libreoffice；Windows：winget install "
        "TheDocumentFoundation.LibreOffice，并确保 soffice 在 PATH 中。也可以只生成 Word（--format docx）后用 Word/WPS 另存为 PDF",
        "making a PDF needs LibreOffice (soffice), which was not found. Debian/Ubuntu: sudo apt-get install -y "
        "libreoffice-writer-nogui fonts-noto-cjk; macOS: brew install --cask libreoffice; Windows: winget install "
        "TheDocumentFoundation.LibreOffice, with soffice on PATH. Or build the Word file only (--format docx) and "
        "save it as PDF from Word/WPS",
    )


def fontconfig_file(folder: Path) -> Path:
    """A fonts.conf that includes the system's and adds the office-font aliases."""
    aliases = "".join(
        f"<alias binding=\"same\"><family>{name}</family><prefer><family>{face}</family></prefer></alias>"
        for name, face in FONT_ALIASES.items())
    # 小标宋 is a heavy face: its stand-in is the bold cut
    aliases += "".join(
        f'<match target="pattern"><test name="family"><string>{name}</string></test>'
        '<edit name="weight" mode="assign"><const>bold</const></edit></match>' for name in BOLD_FACES)
    system = "/etc/fonts/fonts.conf"
    include = f"<include ignore_missing=\"yes\">{system}</include>" if Path(system).is_file() else ""
    path = folder / "fonts.conf"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                    f"<fontconfig>{include}{aliases}</fontconfig>\n", encoding="utf-8")
    return path


_MODULE = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub LianfangPdf(src As String, dst As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = "Hidden"
  args(0).Value = True
  oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(src), "_blank", 0, args())
  oIdx = oDoc.getDocumentIndexes()
  For i = 0 To oIdx.getCount() - 1
    oIdx.getByIndex(i).update()
  Next i
  oDoc.getTextFields().refresh()
  Dim filterData(0) As New com.sun.star.beans.PropertyValue
  filterData(0).Name = "UseLosslessCompression"
  filterData(0).Value = True
  Dim out(1) As New com.sun.star.beans.PropertyValue
  out(0).Name = "FilterName"
  out(0).Value = "writer_pdf_Export"
  out(1).Name = "FilterData"
  out(1).Value = filterData()
  oDoc.storeToURL(ConvertToURL(dst), out())
  oDoc.close(True)
End Sub
</script:module>
"""


def _run(cmd: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        raise PdfProblem(tr("LibreOffice 在 {s} 秒内没有完成转换", "LibreOffice did not finish within {s} seconds",
                            s=timeout)) from None
    except OSError as e:
        raise PdfProblem(tr("无法运行 LibreOffice：{e}", "cannot run LibreOffice: {e}", e=e)) from None


def convert_to_pdf(docx: bytes, soffice: str | None = None, timeout: int = TIMEOUT,
                   notes: list[str] | None = None) -> bytes:
    """The PDF LibreOffice makes of a Word document, its table of contents updated (bytes in, bytes out)."""
    soffice = soffice or find_soffice()
    if soffice is None:
        raise PdfProblem(missing_soffice_message())
    with tempfile.TemporaryDirectory(prefix="lianfang-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "handbook.docx"
        source.write_bytes(docx)
        pdf = folder / "handbook.pdf"
        profile = folder / "profile"
        env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(folder)), HOME=str(folder))
        base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nologo"]
        p = _run([*base, "--terminate_after_init"], env, timeout)
        module = profile / "user" / "basic" / "Standard" / "Module1.xba"
        if module.parent.is_dir():
            module.write_text(_MODULE, encoding="utf-8")
            p = _run([*base, f'macro:///Standard.Module1.LianfangPdf("{source}","{pdf}")'], env, timeout)
        if not pdf.is_file():
            p = _run([*base, "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(folder), str(source)], env, timeout)
            if pdf.is_file() and notes is not None:
                notes.append(tr("PDF：LibreOffice 未能更新目录，目录页码可能不准确（在 Word/WPS 中打开 handbook.docx 会自动更新）",
                                "PDF: LibreOffice could not update the table of contents, its page numbers may be wrong "
                                "(Word/WPS update it when handbook.docx is opened)"))
        if not pdf.is_file():
            said = (p.stderr or p.stdout).decode("utf-8", "replace").strip()[-300:]
            raise PdfProblem(tr("LibreOffice 未能把手册转换为 PDF：{e}", "LibreOffice could not convert the handbook to PDF: {e}",
                                e=said or f"exit status {p.returncode}"))
        return pdf.read_bytes()
