"""Counting the cells a workbook stores, before reading it: a front end's guard against huge uploads."""

from __future__ import annotations

import io
import re
import zipfile

from .cells import MAX_UNCOMPRESSED_BYTES

__all__ = ["count_stored_cells"]

# A cell element of SpreadsheetML (<c r="A1" …>, <c/>, or with a namespace prefix <x:c …>); not <col>, <cfRule>.
_CELL_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def count_stored_cells(data: bytes, limit: int) -> int | None:
    """Count the cells stored in a workbook's sheets, stopping as soon as ``limit`` is passed.

    Reads the sheets' XML as a stream (never the whole sheet at once), so a huge or hostile workbook
    is refused before the reader builds anything from it. Returns None when the bytes are no zip
    workbook (the reader then says what is wrong) or unpack to more than the reader accepts.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
            return None  # the reader refuses it with its own message
        count = 0
        for info in infos:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                with archive.open(info) as part:
                    carry = b""
                    while chunk := part.read(1024 * 1024):
                        text = carry + chunk
                        cut = text.rfind(b"<")
                        if cut < 0 or len(text) - cut > 64:
                            cut = len(text)
                        count += len(_CELL_START.findall(text, 0, cut))
                        carry = text[cut:]
                        if count > limit:
                            return count
                    count += len(_CELL_START.findall(carry))
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
                return None  # a damaged or encrypted part: the reader reports it
            if count > limit:
                return count
        return count
