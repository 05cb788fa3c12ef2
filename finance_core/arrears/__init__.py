"""Arrears and aging, Financial Rule 8 measures, Rule 8(1)(d) payment plans."""
