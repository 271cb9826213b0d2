"""Reconciliation: the register (what is recorded) against discovery (what is observed),
vectorised with pandas; each discrepancy a finding of the audits' findings store."""
