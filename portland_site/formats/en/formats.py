# How dates and times read wherever Django writes them without an explicit format: the staff admin's lists,
# record pages and inlines all say "Nov 25, 2026, 11:23 PM" (the admin's own helpers use the same format).
DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, g:i A"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
TIME_FORMAT = "g:i A"
