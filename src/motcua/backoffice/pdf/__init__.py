"""Official forms (Circular 03/2025/TT-VPCP Annex I, formerly Circular 01/2018) rendered to PDF.

`render(kind, dossier, ...)` returns PDF bytes; `FORMS` says which kinds exist. The data comes from
the dossier row, its events and step runs: the forms never compute anything the dossier does not
already record.
"""

from motcua.backoffice.pdf.forms import FORMS, FormSpec, render, render_tracking_book

__all__ = ["FORMS", "FormSpec", "render", "render_tracking_book"]
