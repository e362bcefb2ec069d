"""Deploys: which revision reached which environment of a project, and when."""
