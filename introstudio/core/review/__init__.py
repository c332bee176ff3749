"""Review, consent and approval, go-live and take-down, the web team's outputs, and the audit trail."""
