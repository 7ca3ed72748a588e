"""One entry point for reading any supported input, from a path or from bytes.

Every front end (the commands, ``batch``'s workers, the web page) reads through :func:`load`,
so a file gives the same tables, problems and notices wherever it is read, and its sources
name the file as the officer knows it (the path given, or an upload's own name).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from .loaded import LoadResult
from .problems import Problem, Source

__all__ = ["Input", "Limits", "load", "load_path", "unsupported_message", "sniff", "SUPPORTED_SUFFIXES",
           "YAML_SUFFIXES", "XLSX_SUFFIXES", "FORMAT_SUFFIXES", "REFUSED_SUFFIXES"]

YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Suffix → the format reader of :mod:`indicators.formats` that reads it (see docs/formats.md).
FORMAT_SUFFIXES = {
    ".xls": "xls", ".et": "xls", ".xlsb": "xlsb", ".ods": "ods", ".docx": "docx", ".docm": "docx",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".pdf": "pdf", ".xml": "spreadsheetml",
}
#: Suffixes of kinds perfscore knows but cannot read: each is listed with a message saying what to
#: save it as (batch reports them; they are "supported" in that they are never skipped unread).
REFUSED_SUFFIXES = (".doc", ".wps", ".rtf", ".dps", ".ppt", ".pptx", ".odt")
SUPPORTED_SUFFIXES = YAML_SUFFIXES + XLSX_SUFFIXES + tuple(FORMAT_SUFFIXES)


@dataclass(frozen=True)
class Input:
    """A file to read: a path on disk, or bytes with the name to show (an upload).

    ``name`` is what every source and message calls the file; for a path it is the
    path as given.
    """

    name: str
    path: Path | None = None
    data: bytes | None = None
    #: The format when the name does not say it (``.yaml`` or ``.xlsx`` for standard input).
    format: str | None = None

    @classmethod
    def of(cls, given: "str | Path | Input") -> "Input":
        """An :class:`Input` for a path (as given on the command line) or an Input already made."""
        return given if isinstance(given, Input) else cls(name=str(given), path=Path(given))

    @classmethod
    def from_bytes(cls, name: str, data: bytes) -> "Input":
        """An upload: its bytes and its file name."""
        return cls(name=name, data=data)

    @classmethod
    def from_stdin(cls, data: bytes, name: str = "标准输入") -> "Input":
        """Standard input (``-`` on the command line): the kind its bytes show (:func:`sniff`: a workbook,
        a Word document, a PDF, a web page starting with ``<``), a workbook if it is another zip, else YAML."""
        kind = sniff(data[:64 * 1024] if not data.startswith(_CFB_MAGIC) else data[:16 * 1024 * 1024])
        if kind == "html" and not data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            kind = None  # YAML that mentions a <table> is still YAML
        if kind is None:
            return cls(name=name, data=data, format=".xlsx" if data[:4] == b"PK\x03\x04" else ".yaml")
        return cls(name=name, data=data, format=f".{kind}" if kind in _READ_KINDS else ".bin")

    @property
    def suffix(self) -> str:
        if self.format:
            return self.format
        return Path(self.name if self.path is None else self.path).suffix.lower()


@dataclass(frozen=True)
class Limits:
    """What a front end accepts beyond the reader's own limits (the web page's ``--max-cells``)."""

    #: Cells stored in one workbook (all sheets), counted before the workbook is read.
    max_cells: int | None = None
    #: Whose limit it is, as the message says it: ``网页版的上限``.
    owner: str = "上限"
    #: How to raise it, appended to the message: ``，或启动时用 --max-cells 调大上限``.
    advice: str = ""


def load(source: "str | Path | Input", targets: bool = False, limits: Limits | None = None) -> LoadResult:
    """Read the evaluations in one input, choosing the reader by the file's suffix.

    Never raises for bad input, nor for a reader's own failure: every problem comes back in
    ``LoadResult.problems`` with the file's name (a reader bug is reported as this file's
    problem, so it cannot stop the other files of a run).

    Args:
        source: a path, or an :class:`Input` (a path or bytes with a display name).
        targets: also return 绩效目标表 (targets, no actuals) as evaluations (for
            ``template --from`` and ``convert``); otherwise they are listed in ``target_tables``.
        limits: a front end's stricter limits, checked before the file is read.
    """
    given = Input.of(source)
    try:
        return _load(given, targets, limits)
    except Exception as exc:  # a reader bug: this file's problem, not the run's end
        message = f"读取时发生内部错误（{type(exc).__name__}），请报告此问题"
        return LoadResult(problems=(Problem(source=Source(file=given.name), message=message),))


def load_path(path: str | Path, targets: bool = False) -> LoadResult:
    """Read the evaluations in ``path``; see :func:`load`."""
    return load(Input.of(path), targets)


def _refused(name: str, message: str) -> LoadResult:
    return LoadResult(problems=(Problem(source=Source(file=name), message=message),))


def _load(given: Input, targets: bool, limits: Limits | None) -> LoadResult:
    suffix = given.suffix
    if suffix in YAML_SUFFIXES:
        # Imported here: PyYAML costs ~10 ms of start-up that a workbook never needs (issue 21).
        from .yaml_io import load_yaml_bytes, load_yaml_file

        if given.data is not None:
            return load_yaml_bytes(given.data, given.name, targets)
        return load_yaml_file(given.path, targets, given.name)
    if given.path is not None and not given.path.exists():
        return _refused(given.name, "文件不存在")
    kind = _kind_of(given)
    if kind == "xlsx":
        return _load_xlsx(given, targets, limits)
    if kind in _REFUSALS:
        return _refused(given.name, _refusal(kind, given.suffix))
    if kind is not None:
        from .formats import read_format  # imported on demand, like the xlsx reader

        return read_format(kind, given.name, targets, path=given.path, data=given.data, limits=limits)
    return _refused(given.name, unsupported_message(given.name))


def _kind_of(given: Input) -> str | None:
    """The reader for a file: what its first bytes say it is, else what its suffix says.

    Content wins over the name: bureaus' sites serve HTML pages named ``.xls`` and workbooks named
    ``.xls`` that are really ``.xlsx``; a Word "web page" saved as ``.doc`` is HTML.
    """
    head = given.data if given.data is not None else _first_bytes(given.path)
    found = sniff(head) if head is not None else None
    suffix = given.suffix
    if head is not None and head.startswith(b"PK\x03\x04") and given.path is not None and len(head) >= _HEAD_BYTES:
        # Only the start of a larger file was sniffed: the directory at its end is surer than the head.
        # (A smaller file was read whole, and sniff() already read its directory.)
        found = _zip_kind_of_file(given.path) or found
    if found in ("cfb-unknown", "cfb-both") and suffix in XLSX_SUFFIXES + (".xls", ".et", ".xlsb"):
        return "xls"  # a workbook (perhaps damaged, perhaps with a document inside): the .xls reader reads it
    if found == "cfb-both":
        found = "word-old"
    if found is not None:
        return found
    if suffix in XLSX_SUFFIXES:
        return "xlsx"
    if suffix in (".doc", ".wps", ".rtf"):
        return "word-old"
    if suffix in (".ppt", ".pptx", ".dps"):
        return "slides"
    if suffix == ".odt":
        return "odt"
    return FORMAT_SUFFIXES.get(suffix)


def _refusal(kind: str, suffix: str) -> str:
    """What to do with a file of ``kind`` that is not read, said for what its name says it is."""
    if kind == "encrypted-ooxml" and suffix in XLSX_SUFFIXES + (".xlsb",):
        return "工作簿有密码保护，无法读取：请在 Excel/WPS 中取消密码后另存为 .xlsx 再试"
    if kind == "encrypted-ooxml" and suffix in (".docx", ".docm"):
        return "Word 文档有密码保护，无法读取：请在 Word/WPS 中取消密码后另存为 .docx 再试"
    return _REFUSALS[kind]


#: Kinds recognised but not read, with what to do (Chinese).
_REFUSALS = {
    "word-old": "这是旧版 Word（.doc）或 WPS 文字（.wps）文件，perfscore 不能直接读取：请在 Word/WPS 中"
                "“另存为” .docx（或把其中的自评表复制到 Excel/WPS 表格另存为 .xlsx）后再试",
    "rtf": "这是 RTF 文档，perfscore 不能直接读取：请在 Word/WPS 中“另存为” .docx 后再试",
    "odt": "这是 OpenDocument 文字文档（.odt），perfscore 不能直接读取：请另存为 .docx 后再试",
    "slides": "这是演示文稿，perfscore 不能读取其中的表格：请把自评表复制到 Excel/WPS 表格另存为 .xlsx 后再试",
    "cfb-unknown": "这是旧版 Office/WPS 二进制文件，perfscore 不能读取：请另存为 .xlsx（表格）或 .docx（文字）后再试",
    "encrypted-ooxml": "文件有密码保护，无法读取：请在 Excel/Word/WPS 中取消密码后另存为 .xlsx/.docx 再试",
}

#: Kinds :func:`sniff` names that a reader reads (the others are refused with a message).
_READ_KINDS = ("xlsx", "xlsb", "xls", "ods", "docx", "html", "pdf", "spreadsheetml")

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(head: bytes) -> str | None:
    """The kind of file ``head`` (its first bytes, or all of them) shows, or None when they do not tell.

    Kinds: ``xlsx``, ``xlsb``, ``ods``, ``docx``, ``xls``, ``pdf``, ``html``, ``spreadsheetml``, and kinds refused with a
    message (``word-old``, ``rtf``, ``odt``, ``slides``, ``cfb-unknown``, ``encrypted-ooxml``), and ``cfb-both``
    (an old Office file holding both a workbook and a document: its name decides).
    """
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(head)
    if head.startswith(_CFB_MAGIC):
        utf16 = {name: name.encode("utf-16-le") for name in ("EncryptedPackage", "Workbook", "Book", "WordDocument",
                                                             "PowerPoint Document")}
        if utf16["EncryptedPackage"] in head or "EncryptionInfo".encode("utf-16-le") in head:
            return "encrypted-ooxml"
        book, word = utf16["Workbook"] in head or utf16["Book"] in head, utf16["WordDocument"] in head
        if book and word:
            return "cfb-both"  # one embeds the other (a table in a document, a document in a book): the name decides
        if book:
            return "xls"
        if word:
            return "word-old"
        if utf16["PowerPoint Document"] in head:
            return "slides"
        return "cfb-unknown"
    if head.startswith(b"%PDF") or head[:1024].find(b"%PDF-") >= 0:
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head[:4096] and b"<Workbook" in head[:8192] \
            and b"<html" not in head[:4096].lower():
        return "spreadsheetml"  # Excel 2003 XML, often exported under an .xls name
    start = head[:4096].lower()
    for marker in (b"<html", b"<!doctype html", b"<table", b"<\x00h\x00t\x00m\x00l", b"<\x00t\x00a\x00b\x00l\x00e"):
        if marker in start:
            return "html"
    return None


#: Parts that tell an Office or OpenDocument zip's kind, looked for in this order.
_ZIP_PARTS = ((b"xl/workbook.bin", "xlsb"), (b"xl/workbook.xml", "xlsx"), (b"word/document.xml", "docx"),
              (b"ppt/presentation.xml", "slides"))


def _zip_kind(data: bytes) -> str | None:
    """A zip's kind by its part names: from its directory when ``data`` holds the whole file, else from
    the names of the local headers in ``data`` (an OpenDocument file by its ``mimetype``)."""
    import io
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        names = None
    if names is not None and (kind := _kind_of_parts(names)) is not None:
        return kind
    if names is None and (kind := next((kind for part, kind in _ZIP_PARTS if part in data), None)) is not None:
        return kind
    if b"application/vnd.oasis.opendocument.spreadsheet" in data[:200]:
        return "ods"
    if b"application/vnd.oasis.opendocument.text" in data[:200]:
        return "odt"
    return None  # a zip of another kind: the suffix decides, and that reader says what is wrong


def _kind_of_parts(names: set[str]) -> str | None:
    """A zip's kind by the parts its directory lists (:data:`_ZIP_PARTS`), or None."""
    return next((kind for part, kind in _ZIP_PARTS if part.decode() in names), None)


#: How much of a file :func:`sniff` is given; a file shorter than this was read whole.
_HEAD_BYTES = 64 * 1024


def _first_bytes(path: Path | None, size: int = _HEAD_BYTES) -> bytes | None:
    """The first bytes of a file for :func:`sniff`; a CFB file is read further, its directory may lie deep."""
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(size)
            if head.startswith(_CFB_MAGIC):
                head += handle.read(16 * 1024 * 1024)
            return head
    except OSError:
        return None


def _zip_kind_of_file(path: Path) -> str | None:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    return _kind_of_parts(names)


def _load_xlsx(given: Input, targets: bool, limits: Limits | None) -> LoadResult:
    from .xlsx import load_xlsx_file  # imported on demand: YAML-only runs skip the xlsx reader

    suffix = given.suffix if given.suffix in XLSX_SUFFIXES else ".xlsx"
    if limits is not None and limits.max_cells is not None:
        from .xlsx.count import count_stored_cells

        data = given.data if given.data is not None else _head_of(given.path)
        cells = count_stored_cells(data, limits.max_cells) if data is not None else None
        if cells is not None and cells > limits.max_cells:
            return _refused(given.name, f"工作簿的单元格超过 {limits.max_cells:,} 个（{limits.owner}），"
                                        f"为防止耗尽内存拒绝读取：请只保留自评表所在的工作表后再试{limits.advice}")
    if given.data is None and given.path is not None and given.path.suffix.lower() in XLSX_SUFFIXES:
        return load_xlsx_file(given.path, targets, given.name)
    # The workbook reader takes a path: the bytes go to a private temporary folder for the read
    # (an upload, or a workbook named otherwise: a .xls that is really .xlsx).
    data = given.data if given.data is not None else given.path.read_bytes()  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory(prefix="perfscore-read-") as folder:
        temp = Path(folder) / f"upload{suffix}"
        temp.write_bytes(data)
        return load_xlsx_file(temp, targets, given.name)


def unsupported_message(name: "str | Path") -> str:
    """Why a file of this kind is not read, in Chinese."""
    suffix = Path(name).suffix.lower()
    kind = {".doc": "word-old", ".wps": "word-old", ".rtf": "rtf", ".odt": "odt", ".ppt": "slides",
            ".pptx": "slides", ".dps": "slides"}.get(suffix)
    if kind is not None:
        return _REFUSALS[kind]
    return (f"不支持的文件类型“{suffix or '无扩展名'}”：请提供 .xlsx/.xls/.ods 工作簿、.docx 文档、"
            f"网页（.html/.htm）、带文字层的 .pdf，或 .yaml/.yml 文件")


def _head_of(path: Path | None) -> bytes | None:
    """A workbook's bytes for counting its cells (None when it cannot be read: the reader says why)."""
    try:
        return path.read_bytes() if path is not None else None
    except OSError:
        return None
