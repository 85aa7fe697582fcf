"""Appraisal models (indicator library, KPI sets, cycles, appraisals) live here."""
