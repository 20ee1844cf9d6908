"""Signed documents with legal value: PAdES signatures (pyHanko) by a unit's or a person's certificate,
through a local or a remote (CSC API) signer, and their public verification.

The public API for other apps is `motcua.signing.service`: `sign_pdf(pdf_bytes, unit, *, reason, signer=None)`.
"""
