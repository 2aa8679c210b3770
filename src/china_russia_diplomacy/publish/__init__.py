"""Write side, step three: what a release is and what changed. The versioned archive and its entry in
``releases.json`` (:mod:`.release`), the cell-by-cell diff between versions with the bump it requires
(:mod:`.diff`), and the proof that a changed pattern is looser (:mod:`.pattern_order`).
"""
