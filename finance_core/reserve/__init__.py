"""The Working Capital Fund (the reserve): its dated target, balance, movements and position."""
