"""The Word templates of the official forms (附件5–7), the dossier, the reports and the wall
bulletins, built by scripts/make_templates.py and scripts/make_bulletins.py. A package so
that an installed wheel carries them: `DIR` is where they are, in a checkout or installed."""

from pathlib import Path

DIR = Path(__file__).resolve().parent
