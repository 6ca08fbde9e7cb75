"""The figures: per-township summaries, the to-dos, the landing page's figures and links."""
