"""Every dossier operation, declared once in a command table and run by one pipeline.

Import order registers the table: intake, processing, supplements, pauses, apology, results.
"""

import motcua.dossiers.commands.transfer  # noqa: F401  (restructuring: `transfer_unit`, system actor only)
from motcua.dossiers.commands import apology, intake, pauses, processing, results, supplements  # noqa: F401
from motcua.dossiers.commands.kernel import SYSTEM, Applicant, DossierError, Upload
from motcua.dossiers.commands.pipeline import allowed, execute, offered
from motcua.dossiers.commands.table import COMMANDS, Command

# The order a dossier page lists its actions in: the journey's order, dangerous ones last.
_ORDER = (
    "accept",
    "start_step",
    "forward",
    "complete_step",
    "request_supplement",
    "supply_supplement",
    "request_fee",
    "confirm_fee",
    "pause",
    "resume",
    "record_apology",
    "approve_apology",
    "attach_document",
    "record_result",
    "sign_result",
    "finish",
    "announce_early",
    "return_result",
    "route_to_lead",
    "close",
    "withdraw",
    "stop",
    "refuse",
    "transfer_unit",
)
for _name in sorted(COMMANDS, key=lambda n: _ORDER.index(n) if n in _ORDER else -1):
    COMMANDS[_name] = COMMANDS.pop(_name)

__all__ = [
    "COMMANDS",
    "SYSTEM",
    "Applicant",
    "Command",
    "DossierError",
    "Upload",
    "allowed",
    "execute",
    "offered",
]
