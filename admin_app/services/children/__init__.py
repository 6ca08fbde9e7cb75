"""一人一档: the archive, its history, the township rosters, photos and the 台账 import."""
