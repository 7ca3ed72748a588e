"""Reading self-evaluation tables from .xlsx workbooks as they are really published.

``cells`` reads a workbook into grids (python-calamine for values and merged ranges,
plus a byte-level scan of each sheet's XML for what calamine drops); ``headers``
holds the header words and their synonyms; ``locate`` finds the tables in a grid
by those words; ``read`` turns a located table into an ``Evaluation``.
"""

from .read import load_xlsx_file

__all__ = ["load_xlsx_file"]
