"""Framing: descriptor words, stream windows, the fast path and the record walker (§5.1)."""
