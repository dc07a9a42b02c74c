"""Turn report file bytes into text, or say clearly why not.

Reports come as UTF-8 (with or without BOM) or GB18030 (which includes GBK
and GB2312, the encodings Chinese government sites still publish in).
Anything else — binary files, UTF-16, other encodings — is refused with a
``ReportDecodeError`` naming the file and the reason, rather than loaded as
mojibake.
"""

from __future__ import annotations

import re

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Share of control characters above which decoded "text" is really binary.
_MAX_CONTROL_SHARE = 0.01
# C0 controls other than tab, LF, VT, FF, CR: never in text files.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")
# A file with at least this many valid non-ASCII UTF-8 characters and at most
# one bad byte per this many of them is damaged UTF-8, not another encoding.
_MIN_UTF8_CHARS = 20
_MAX_UTF8_ERROR_RATIO = 20


class ReportDecodeError(ValueError):
    """A report file that is not UTF-8 or GB18030 text."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _control_share(text: str) -> float:
    if not text or not _CONTROL_RE.search(text):
        return 0.0
    return len(_CONTROL_RE.findall(text)) / len(text)


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 apart from a few bad bytes (a damaged UTF-8 file).

    GB18030 text read as UTF-8 breaks on nearly every Chinese character; a
    damaged UTF-8 file has many valid multi-byte characters and few errors.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return good >= _MIN_UTF8_CHARS and bad * _MAX_UTF8_ERROR_RATIO <= good


def decode_report(data: bytes, path: str) -> str:
    """Decode UTF-8 (BOM optional) or GB18030 report text; raise otherwise."""
    if data.startswith(_UTF16_BOMS):
        raise ReportDecodeError(path, "UTF-16 text is not supported; save it as UTF-8")
    if data.startswith(b"%PDF-"):
        # load_report sends PDFs to loaders.readers.pdf before decoding; only
        # callers that hand PDF bytes to the text path itself get here.
        raise ReportDecodeError(path, "binary: a PDF file, not extracted text")
    if b"\x00" in data:
        raise ReportDecodeError(path, "binary: contains NUL bytes")
    if data.startswith(_UTF8_BOM):
        try:
            text = data[len(_UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReportDecodeError(
                path, f"undecodable: UTF-8 BOM but invalid UTF-8 at byte {exc.start + 3}"
            ) from exc
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as utf8_exc:
            if _mostly_utf8(data):
                # GB18030 would "decode" it too, as mojibake: say what is wrong.
                raise ReportDecodeError(
                    path, f"undecodable: UTF-8 text with invalid bytes (first at {utf8_exc.start})"
                ) from utf8_exc
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as gb_exc:
                raise ReportDecodeError(
                    path,
                    "undecodable: neither UTF-8 (invalid byte at "
                    f"{utf8_exc.start}) nor GB18030 (invalid byte at {gb_exc.start})",
                ) from gb_exc
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise ReportDecodeError(path, "binary: too many control characters for text")
    return text
