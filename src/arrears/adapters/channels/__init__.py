"""Channels: email over SMTP, SMS over a provider's HTTP API, letters as PDF print batches.

Every channel takes a ``ClearedMessage`` — a message with the allowed gate decision recorded
for it — and refuses anything else (DESIGN §5). Calls are agent tasks and have no channel.
"""
