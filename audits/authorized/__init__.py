"""Changes authorized or not: observed changes matched to change requests (check.py),
planned against observed once a request's window closes (verify.py)."""
