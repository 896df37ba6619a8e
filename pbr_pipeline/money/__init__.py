"""Contracts, pricing and caps, and the ledger of payments and adjustments."""
