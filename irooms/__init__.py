"""iRooms: secure rooms for one topic or audience, with their members and content."""
