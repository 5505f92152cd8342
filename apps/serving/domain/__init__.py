"""Pure decisions of the serving service: fraud scoring rules and verdicts, the recommendation fallback chain."""
