"""Streaming reader: windows of bytes in, columnar chunks of base segments out."""
