"""KPIs, roll rates, curves, goals and the charts that show them."""
