"""The REST API for agency systems (SPEC §8): ledger uploads, projects, screening, cases,
the barometer and rule sets, every endpoint scoped by role and region like the web pages."""
