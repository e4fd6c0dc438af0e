"""Metro 2 (CDIA) credit-reporting format: spec tables, codec, validator (pure)."""
