"""Evidence files (证明材料): the checks live in the core (``zaozhuang_titles.uploads``), shared with the
certificates of continuing-education hours; these names are re-exported for the code that reads them
from here."""

from zaozhuang_titles.uploads import (
    CONTENT_TYPES,
    MIB,
    InspectedFile,
    check_total,
    clean_name,
    configure_pdf_parser,
    file_response,
    format_mb,
    inspect_upload,
    max_file_bytes,
    max_total_bytes,
    store_upload,
)

__all__ = [
    "CONTENT_TYPES",
    "MIB",
    "InspectedFile",
    "check_total",
    "clean_name",
    "configure_pdf_parser",
    "file_response",
    "format_mb",
    "inspect_upload",
    "max_file_bytes",
    "max_total_bytes",
    "store_upload",
]
