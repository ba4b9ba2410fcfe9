"""Report writers, one module per format concern, all fed by the same chapter records (report.render)."""
