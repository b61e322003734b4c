"""Staff triage in Django admin, one module per concern: the queue and a request's page (queue), its filters,
search and own pages (filters, search, views), what a request's page lists under it (inlines), the records kept as
they happened (records), the call capacity (capacity) and the clinic's closures with the calls booked on them
(closures). How moments and promises are written: display."""

from consultations.admin import capacity, closures, queue, records  # noqa: F401 (importing them registers their admins)
