"""The city's side of the money: progress against the Development Plan's targets."""
