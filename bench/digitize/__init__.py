"""Digitisation bench: a rendered test set of Vietnamese official documents and the OCR runner."""
