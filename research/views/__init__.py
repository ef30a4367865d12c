"""Research views, one module per area (dashboards, curation, coding, exports)."""
