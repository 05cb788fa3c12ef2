"""Generated-request and generated-file runs (``make fuzz``)."""
