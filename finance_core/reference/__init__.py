"""Public reference data shipped with the service: UN Member States and their regional
groups, the UN scales of assessments 2013–2027, non-member notional rates and the UN list
of least developed countries (see ``data/SOURCES.md``), with readers and a loader."""
