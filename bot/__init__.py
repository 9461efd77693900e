"""LINE side of Tidtam: webhook, inbox, conversation, router, command modules, LINE client."""
