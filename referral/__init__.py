"""Referral to Bawaslu: report packages (package.py), their verification (verify.py), office routing (routing.py)."""
