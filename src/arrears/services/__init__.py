"""Use cases: one module per workflow. They orchestrate pure code and ports, never SQL."""
