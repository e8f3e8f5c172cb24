"""« Expérience patient » calls: calls, applications, patient review, feedback, decisions."""
