"""Streaming writer: frames or typed accounts in, Metro 2 bytes with computed totals out."""
