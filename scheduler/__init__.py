"""Time and reminders: Thai B.E. dates, the working-day calendar, rules, planner and sender."""
