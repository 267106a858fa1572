"""The visual report, rendered: a run's fold as one self-contained HTML page. Pure.

``document`` turns a lenient fold into the report document (JSON, in pieces);
``page`` puts it, compressed, into the page with its template, script and style
(``Assets``). Reading the assets and the ready-made pages (``report_html``,
``timeline_html``, ``result_html``, the notebook ``iframe``) are the shell's:
``replaykit.shell.html``.
"""

from replaykit.report.document import (
    FORMAT,
    VERSION,
    document_chunks,
    document_data,
    result_document,
    verdict_data,
)
from replaykit.report.page import Assets, page

__all__ = [
    "FORMAT",
    "VERSION",
    "Assets",
    "document_chunks",
    "document_data",
    "page",
    "result_document",
    "verdict_data",
]
