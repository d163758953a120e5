"""Matrix rows of the reviews app: staff pages."""

ROWS = []
