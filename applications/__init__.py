"""Applications: what is submitted and its whole life, from the call (batch) to the audit."""
