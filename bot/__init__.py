"""LINE side of Tidtam: webhook, inbox, router, handlers, messages and the LINE client."""
