"""Signpost: a small static-site generator for a clinic's guidance pages and quiz."""
