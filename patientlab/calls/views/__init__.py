"""The pages of calls, one module per audience: public, applicant, reviewer, coordination."""
