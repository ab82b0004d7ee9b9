"""Learning records: durable learning events, counting rules, roll-ups and reports."""
