"""Every choice list and limit, once, with the seed's Chinese labels.

Forms, list columns, exports and Word templates read their labels from here. One module per
part of the plan; import from this package (`from ..documents.constants import CATEGORIES`).
"""

from .cases import *  # noqa: F403
from .children import *  # noqa: F403
from .places import *  # noqa: F403
from .records import *  # noqa: F403
from .stations import *  # noqa: F403
