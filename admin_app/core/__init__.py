"""Rules that every layer shares: the clock, dates as people in Ningxia read and type them."""
