"""States, UN regional groups, LDC status, scale rates and treaty membership."""
