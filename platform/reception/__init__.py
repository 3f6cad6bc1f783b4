"""Leader reception (大接访, seed 001): the duty rota (annex 4), its public notice, and the
register of receptions (annex 3)."""
