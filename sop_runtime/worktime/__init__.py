"""Court calendar: office hours, time zone, holidays and closures; working-time arithmetic.

The rules are stated in :mod:`sop_runtime.worktime.court_calendar`.
"""

from sop_runtime.worktime.court_calendar import CourtCalendar, add_months
from sop_runtime.worktime.days_off import DaysOff
from sop_runtime.worktime.duration_text import describe_working
from sop_runtime.worktime.instants import NaiveDatetimeError
from sop_runtime.worktime.office_hours import OfficeHours, SpecialPeriod

__all__ = [
    "CourtCalendar",
    "DaysOff",
    "NaiveDatetimeError",
    "OfficeHours",
    "SpecialPeriod",
    "add_months",
    "describe_working",
]
