"""The append-only double-entry journal, per loan and component (DESIGN §3). Pure."""
