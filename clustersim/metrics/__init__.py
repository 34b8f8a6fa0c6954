"""Run metrics: flat rows while the simulation runs (recorder), DataFrames after it (frames, summary)."""
