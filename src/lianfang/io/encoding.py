"""Decoding YAML bytes: UTF-8 with or without BOM, UTF-16/32 by BOM; anything else refused."""

from __future__ import annotations

import codecs

from lianfang.errors import LianfangError
from lianfang.i18n import tr

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class EncodingProblem(LianfangError, ValueError):
    pass


def decode_text(data: bytes) -> str:
    """The text of a YAML file, or ``EncodingProblem`` naming what the bytes look like."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as e:
                raise EncodingProblem(tr("文件以 {enc} 字节序标记开头，但内容无法按 {enc} 解码（第 {pos} 字节）",
                                         "the file starts with a {enc} byte-order mark but does not decode as {enc} (byte {pos})",
                                         enc=encoding.upper(), pos=e.start + len(bom))) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        guess = _guess(data)
        raise EncodingProblem(tr("文件不是 UTF-8 编码（第 {pos} 字节起无法解码）{g}，请用“另存为 UTF-8”后再提交",
                                 "the file is not UTF-8 (cannot decode from byte {pos}){g}; save it as UTF-8",
                                 pos=e.start, g=guess)) from None


def _guess(data: bytes) -> str:
    for encoding, name in (("gb18030", "GBK/GB18030"), ("big5", "Big5")):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return tr("，看起来是 {n} 编码", ", it looks like {n}", n=name)
    return ""
