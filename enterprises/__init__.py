"""Enterprises: who the organisations are, who serves them (一企一员), and their archive (一企一档)."""
