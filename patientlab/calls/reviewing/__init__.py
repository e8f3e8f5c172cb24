"""Patient review of applications: assignments and conflicts of interest, reviews
drafted and submitted before the deadline, moderation and release by the
coordination, anonymised feedback, the applicant's answers, decisions, ranking.

Reviewers are never named to applicants or to each other: released reviews get a
letter (« Relecture A ») in the order they were submitted.

One module per job: assignments (and conflicts of interest), reviews, release (moderation
by the coordination), feedback, decisions (the applicant's answers and the decision),
ranking (what the coordination sees of a call), reminders. This package re-exports their
public functions, so callers write ``reviewing.assign(...)``.
"""

from .assignments import (
    assign,
    assignments_of,
    declare_interests,
    eligible_reviewers,
    get_assignment_for_reviewer,
    get_assignment_or_404,
    known_conflicts,
    load_in_call,
    reviewer_assignments,
    suggest_reviewers,
    unassign,
)
from .decisions import (
    can_respond,
    record_decision,
    respond,
    save_response_draft,
)
from .feedback import (
    CriterionSummary,
    Feedback,
    aggregate,
    can_see_feedback,
    feedback_for,
    reviewer_letter,
)
from .notices import (
    coordinators,
    tell,
)
from .ranking import (
    RankingRow,
    applications_for_coordination,
    call_progress,
    committee_summary,
    normalised,
    ranking,
    ranking_csv,
    reviews_to_moderate,
)
from .release import (
    ask_rephrase,
    edit_comments,
    get_review_or_404,
    release_feedback,
)
from .reminders import (
    send_review_reminders,
)
from .reviews import (
    SUBMITTED_STATES,
    AnswerData,
    answers_of,
    check_answers,
    review_open,
    save_review,
    submit_review,
)

__all__ = [
    "SUBMITTED_STATES",
    "AnswerData",
    "CriterionSummary",
    "Feedback",
    "RankingRow",
    "aggregate",
    "answers_of",
    "applications_for_coordination",
    "ask_rephrase",
    "assign",
    "assignments_of",
    "call_progress",
    "can_respond",
    "can_see_feedback",
    "check_answers",
    "committee_summary",
    "coordinators",
    "declare_interests",
    "edit_comments",
    "eligible_reviewers",
    "feedback_for",
    "get_assignment_for_reviewer",
    "get_assignment_or_404",
    "get_review_or_404",
    "known_conflicts",
    "load_in_call",
    "normalised",
    "ranking",
    "ranking_csv",
    "record_decision",
    "release_feedback",
    "respond",
    "review_open",
    "reviewer_assignments",
    "reviewer_letter",
    "reviews_to_moderate",
    "save_response_draft",
    "save_review",
    "send_review_reminders",
    "submit_review",
    "suggest_reviewers",
    "tell",
    "unassign",
]
