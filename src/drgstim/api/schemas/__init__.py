"""Request and response schemas, split per use: ``XCreate``, ``XUpdate``, ``XPublic``."""
