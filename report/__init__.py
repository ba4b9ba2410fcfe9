"""minyi report: the bridge from project data to analysis results, charts and rendered reports."""
