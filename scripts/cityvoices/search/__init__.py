"""Per-language site search: analysers (:mod:`.analyze`) shared with the
browser, and the sharded index builder (:mod:`.index`).  Pure."""
