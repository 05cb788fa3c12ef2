"""The audit log: who wrote what, when and from where."""
