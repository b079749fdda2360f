"""Integrity queries: each must return no rows on a valid store (run by ``dprk-kg validate``)."""
