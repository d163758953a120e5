"""The expert pool, panels, scores and votes. They arrive with the reviews issue."""
