"""Read side: what a user of the data calls. Loading tables (:mod:`.loader`), registered versions with
their fetch and cache (:mod:`.version_store`), lazy scans (:mod:`.lazy`), SQL (:mod:`.sql`), citing
(:mod:`.cite`) and the codebook (:mod:`.codebook`). It imports only the core, never the write side, so
a reader's plain install needs neither frictionless nor pandera nor matplotlib.
"""
