"""Counting the cells a workbook stores, before reading it: a front end's guard against huge uploads.

Counted exactly as the reader counts them (:func:`indicators.xlsx.cells.count_cells`: every ``<c>``
element of every sheet, found through workbook.xml and its relationships wherever it is stored), so
``--max-cells N`` accepts a workbook of exactly N stored cells and refuses one of N + 1.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from .cells import _CELL_START, _TAIL, MAX_PARTS, MAX_UNCOMPRESSED_BYTES, sheet_parts, zip_entries

__all__ = ["count_stored_cells"]


def count_stored_cells(data: bytes, limit: int) -> int | None:
    """Count the cells stored in a workbook's sheets, stopping as soon as ``limit`` is passed.

    Reads the sheets' XML as a stream (never the whole sheet at once), so a huge or hostile workbook
    is refused before the reader builds anything from it. Returns None when the bytes are no zip
    workbook (the reader then says what is wrong) or unpack to more than the reader accepts.
    """
    entries = zip_entries(data[-_TAIL:])
    if entries is not None and entries > MAX_PARTS:
        return None  # the reader refuses it with its own message, before reading the zip's directory
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES or any(i.flag_bits & 0x1 for i in infos):
            return None  # the reader refuses it with its own message
        try:
            parts = sheet_parts(archive)
        except (KeyError, ValueError, zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError,
                NotImplementedError):
            return None  # no workbook, or a damaged one: the reader reports it
        names = {name.lower(): name for name in archive.namelist()}
        count = 0
        for part in parts.values():  # a part two sheets name is read, and counted, twice
            member = names.get(part.lower())
            if member is None:
                return None
            try:
                with archive.open(member) as stream:  # zipfile never gives more than the directory says
                    carry = b""
                    while chunk := stream.read(1024 * 1024):
                        text = carry + chunk
                        cut = text.rfind(b"<")
                        if cut < 0 or len(text) - cut > 64:
                            cut = len(text)
                        count += len(_CELL_START.findall(text, 0, cut))
                        carry = text[cut:]
                        if count > limit:
                            return count
                    count += len(_CELL_START.findall(carry))
            except (zipfile.BadZipFile, zlib.error, OSError, EOFError, RuntimeError, NotImplementedError):
                return None  # a damaged or encrypted part: the reader reports it
            if count > limit:
                return count
        return count
