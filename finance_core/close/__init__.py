"""The year-end close of a fund (maker-checker) and the CSP's decision on a surplus."""
