"""Use cases: plain functions that hold the business rules and commit once at their end."""
