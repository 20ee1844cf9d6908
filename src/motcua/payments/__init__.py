"""Fees: online payment through a gateway adapter (VNPAY 2.1.0, with a local simulator), VietQR counter
transfers reconciled from bank statements, payments recorded by the national portal, refunds and
electronic receipts. See docs/ARCHITECTURE.md, section "Payments"."""
