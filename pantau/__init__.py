"""pantau: monitor civil servants (ASN) campaigning on social media."""
__version__ = "0.1.0"
