"""Seed data (Ningxia places, the allocation table of 附件1) and their loaders."""
