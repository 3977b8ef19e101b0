"""Rule evaluation: pure, vectorised pandas over plan frames (no Python loop per cell).

`frames.py` defines the frame shapes and loads them from planning; `rules.py` turns frames and a rule's
parameters into findings; `windows.py` merges consecutive weeks into one finding per slice.
"""
