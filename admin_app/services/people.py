"""五(四) the people who do the work and their trainings (issue 16): who attended a
training this year, and who has not (a to-do for the county and the station until the
year ends). A training is a 宣传培训 record of a training kind with its attendance list."""

from datetime import date

from ..core import clock
from ..documents.constants import TRAINING_KINDS
from ..documents.records import PublicityEvent, Worker


def trained_ids(user, year: int | None = None) -> set[str]:
    """The people inside the user's place who attended a training in `year`."""
    year = year or clock.today().year
    events = (
        PublicityEvent.objects.in_scope(user)
        .filter(
            kind__in=TRAINING_KINDS,
            held_on__gte=date(year, 1, 1),
            held_on__lte=date(year, 12, 31),
        )
        .only("attendees")
    )
    return {i for e in events for i in e.attendees or []}


def untrained(user, year: int | None = None):
    """The people in the register, inside the user's place and still working, who have not
    attended a training this year (a query: the list and its count are the same)."""
    return Worker.objects.in_scope(user).filter(active=True, id__nin=list(trained_ids(user, year)))


def trainings_of(worker, user) -> list:
    """The trainings a person attended (newest first), inside the user's place."""
    return list(
        PublicityEvent.objects.in_scope(user)
        .filter(kind__in=TRAINING_KINDS, attendees=str(worker.pk))
        .order_by("-held_on")
    )
