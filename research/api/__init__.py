"""The read-only REST API (token or session auth): communities, themes with quotes, the
perception gap, posts with analysis. Same role rules as the pages and exports."""
