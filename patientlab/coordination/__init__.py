"""Coordinators' space: validations of patient experts and association representatives."""
