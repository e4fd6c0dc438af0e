"""The compliance engine: every outbound action passes this gate (DESIGN §5). Pure."""
