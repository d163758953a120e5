"""Enterprises and what belongs to them. The registry arrives with the enterprises issue."""
