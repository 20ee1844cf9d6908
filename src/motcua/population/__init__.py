"""Population data (Decree 59/2022): look up a citizen in the national population database by the
12-digit personal ID, prefill and verify counter intake, and keep each dossier's identity checks."""
